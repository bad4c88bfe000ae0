"""Reads of join applications, scoped to what the actor may see, and the public employer search of the join form."""
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Case, Q, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import uscc as uscc_codes
from gonghui.core.scoping import actor_paths, paths_q, subtree_q
from gonghui.joining.choices import ApplicationStatus
from gonghui.joining.models import JoinApplication
from gonghui.orgs.choices import OrgKind, OrgLevel, OrgStatus
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import org_by_pk

EMPLOYER_QUERY_MIN = 2


def join_queue(*, actor, status: str = ApplicationStatus.PENDING, org: Org | None = None):
    """Applications routed into the cadre's subtree (or under `org`), oldest first, each with `overdue`.

    Only the cadre part of visible_to: a cadre's own application (they may be a worker too) is not work
    in their queue. `status=""` lists every status.
    """
    qs = (JoinApplication.objects.visible_to(actor)
          .filter(paths_q(actor_paths(actor), field="routed_org__path"))
          .select_related("routed_org", "employer_org"))
    if org is not None:
        qs = qs.filter(subtree_q(org.path, field="routed_org__path"))
    if status:
        qs = qs.filter(status=status)
    today = timezone.localdate()
    return qs.annotate(overdue=Case(
        When(status=ApplicationStatus.PENDING, due_on__lt=today, then=Value(True)),
        default=Value(False), output_field=BooleanField(),
    )).order_by("submitted_at", "pk")


def join_application_get(*, actor, pk: int) -> JoinApplication:
    """One application: in a cadre's scope or the worker's own; otherwise 404, like a missing one."""
    return get_object_or_404(
        JoinApplication.objects.visible_to(actor).select_related("routed_org", "employer_org", "member", "consent"),
        pk=pk)


def my_applications(*, user):
    """The signed-in worker's own applications, newest first."""
    if user is None or not getattr(user, "is_authenticated", False):
        return JoinApplication.objects.none()
    return JoinApplication.objects.filter(applicant=user).select_related("routed_org").order_by("-submitted_at", "-pk")


def employer_search(*, query: str, limit: int = 10) -> list[dict]:
    """Grassroots unions by employer name (contains) or exact credit code, for the public join form.

    Public, so only what a union would print on a poster: the org id (to apply to), the employer's and
    the union's names and the county. Never member counts, chairs, addresses or anything about people.
    """
    q = "".join(str(query or "").split())
    if len(q) < EMPLOYER_QUERY_MIN:
        return []
    limit = max(1, min(int(limit), 50))
    base = Org.objects.filter(kind=OrgKind.GRASSROOTS, status=OrgStatus.ACTIVE)
    normalized = uscc_codes.normalize(q)
    if len(normalized) == 18 and normalized.isalnum() and normalized.isascii():
        try:
            code = uscc_codes.validate(normalized)
        except uscc_codes.InvalidUscc as exc:
            raise ValidationError({"q": exc.message}) from None
        rows = list(base.filter(uscc=code).order_by("pk")[:limit])
    else:
        named = base.filter(Q(employer_name__contains=q) | Q(name__contains=q))
        rows = list(named.order_by("employer_name", "pk")[:limit])
    counties = _county_names(rows)
    return [{"id": org.pk, "employer_name": org.employer_name or org.name, "name": org.name,
             "county_name": counties.get(org.pk, "")} for org in rows]


def _county_names(orgs: list[Org]) -> dict[int, str]:
    """The county federation above each org, by one query over all their ancestors."""
    ancestors = {pk for org in orgs for pk in org.ancestor_ids()}
    federations = dict(Org.objects.filter(pk__in=ancestors, kind=OrgKind.FEDERATION, level=OrgLevel.COUNTY)
                       .values_list("pk", "name"))
    result = {}
    for org in orgs:
        for pk in reversed(org.ancestor_ids()):
            if pk in federations:
                result[org.pk] = federations[pk]
                break
    return result


def employer_union_get(pk: int) -> Org:
    """The union a worker picked from employer_search, by id; ValidationError when there is none.

    Not scoped: the join form is public and any grassroots union may be picked; routing then refuses a union
    that is closed or is not a grassroots union.
    """
    org = org_by_pk(pk)
    if org is None:
        raise ValidationError({"employer_org": _("所选单位工会不存在，请重新查找")})
    return org
