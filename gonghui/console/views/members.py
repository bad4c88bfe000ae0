"""The member register as a cadre sees it: search and one member's record, numbers always masked."""
from django.shortcuts import render
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url

from gonghui.console.decorators import cadre_required
from gonghui.console.navigation import page_of
from gonghui.console.views.member_changes import detail_context
from gonghui.members.selectors import member_get, member_search
from gonghui.orgs.selectors import org_get, org_roots, subtree_member_count

PER_PAGE = 20


@vary_on_headers("HX-Request")
@cadre_required
def member_list(request):
    q = request.GET.get("q", "").strip()[:40]
    org_id = request.GET.get("org", "")
    scope_org = org_get(actor=request.user, pk=int(org_id)) if org_id.isdigit() else None
    page = page_of(member_search(actor=request.user, query=q, org=scope_org), request.GET.get("page"), PER_PAGE)
    params = request.GET.copy()
    params.pop("page", None)
    context = {"q": q, "scope_org": scope_org, "page": page, "base_query": params.urlencode(),
               "total": None if q else _register_total(request.user, scope_org)}
    context["numbers_in_query"] = _has_personal_number(q)
    partial = request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request
    response = render(request, "console/member_list.html#results" if partial else "console/member_list.html", context)
    if partial and context["numbers_in_query"]:
        # An ID number typed into the search box must not stay in the browser's address bar and history.
        response = push_url(response, False)
    return response


def _has_personal_number(q: str) -> bool:
    return sum(ch.isdigit() for ch in q) >= 6


def _register_total(actor, org) -> int:
    """Active members in scope from the orgs' leaf counters: the register's size without counting its rows."""
    roots = [org] if org is not None else org_roots(actor=actor)
    return sum(subtree_member_count(root) for root in roots)


@cadre_required
def member_detail(request, pk: int):
    member = member_get(actor=request.user, pk=pk)
    return render(request, "console/member_detail.html", detail_context(request, member))

