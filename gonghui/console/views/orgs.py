"""The union tree as a cadre sees it: their top orgs, one org's details, its children opened lazily."""
from django.shortcuts import redirect, render

from gonghui.console.decorators import cadre_required
from gonghui.orgs.permissions import can_manage_org
from gonghui.orgs.selectors import (
    children_with_counts, org_ancestors, org_get, org_roots, subtree_member_count,
)

CHILD_LIMIT = 500


def home(request):
    """The console's front door. An administrator (三员) is sent to the page of its duty (which asks for its second
    factor) rather than refused: this is where its sign-in and bookmarks lead. Every other page keeps the 403."""
    if getattr(request.user, "duty", ""):
        from gonghui.console.views.duties import duty_home

        return redirect(duty_home(request.user))
    return _business_home(request)


@cadre_required
def _business_home(request):
    roots = org_roots(actor=request.user)
    if len(roots) == 1:
        return redirect("console:org-detail", pk=roots[0].pk)
    return redirect("console:org-tree")


@cadre_required
def org_tree(request):
    trees = [
        {"org": root, "members": subtree_member_count(root),
         "children": children_with_counts(actor=request.user, org=root, limit=CHILD_LIMIT)}
        for root in org_roots(actor=request.user)
    ]
    return render(request, "console/org_tree.html", {"trees": trees, "limit": CHILD_LIMIT})


@cadre_required
def org_detail(request, pk: int):
    org = org_get(actor=request.user, pk=pk)
    children = children_with_counts(actor=request.user, org=org, limit=CHILD_LIMIT)
    context = {
        "org": org,
        "ancestors": org_ancestors(actor=request.user, org=org),
        "children": children,
        "truncated": len(children) >= CHILD_LIMIT,
        "limit": CHILD_LIMIT,
        "member_total": subtree_member_count(org),
        "can_import": org.is_active and can_manage_org(request.user, org),
        "totals": {"orgs": sum(row["orgs"] + 1 for row in children),
                   "grassroots": sum(row["grassroots"] for row in children)},
    }
    return render(request, "console/org_detail.html", context)


@cadre_required
def org_children(request, pk: int):
    """The child rows of one tree node, fetched by htmx when the node is first opened."""
    org = org_get(actor=request.user, pk=pk)
    rows = children_with_counts(actor=request.user, org=org, limit=CHILD_LIMIT)
    context = {"rows": rows, "truncated": len(rows) >= CHILD_LIMIT, "limit": CHILD_LIMIT}
    return render(request, "console/_org_nodes.html", context)
