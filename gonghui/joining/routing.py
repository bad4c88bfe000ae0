"""Which union decides a join application (一键入会分派).

1. The worker names an employer that has a grassroots union: that union (EMPLOYER).
2. A worker in a new form of employment (courier, rider, ride-hailing or truck driver …): the industry or
   regional union of the work place that organises that form (NEW_FORMS) — the ACFTU's rule that such workers
   join where they work, not where the platform company is registered.
3. Otherwise the county federation of the work place (COUNTY), or the city federation when the worker names
   only a city; they take members directly or pass them on.
"""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gonghui.joining.choices import RouteReason
from gonghui.orgs.choices import OrgKind, OrgLevel, OrgStatus
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import federation_of, new_forms_organisers, org_by_pk

_NEW_FORMS_KINDS = (OrgKind.INDUSTRY, OrgKind.REGIONAL)


def join_route(*, employer_org: Org | None = None, employment_form: str = "",
               work_division_code: str = "") -> tuple[Org, RouteReason]:
    """The union that will decide the application and why; ValidationError (Chinese) when none fits."""
    if employer_org is not None:
        return _employer_union(employer_org), RouteReason.EMPLOYER
    code = "".join(str(work_division_code or "").split())
    if not code:
        raise ValidationError({"work_division_code": _("请选择工作所在地（区县），或选择所在单位的工会")})
    if not code.isdigit() or len(code) not in (6, 9, 12):
        raise ValidationError({"work_division_code": _("工作所在地应为6位行政区划代码（乡镇街道为9位）")})
    county = code[:6]
    if county.endswith("0000"):
        raise ValidationError({"work_division_code": _("请将工作所在地选择到市或区县")})
    is_city = county.endswith("00")
    if employment_form:
        org = _new_forms_union(county, code, employment_form, is_city=is_city)
        if org is not None:
            return org, RouteReason.NEW_FORMS
    level = OrgLevel.CITY if is_city else OrgLevel.COUNTY
    federation = _federation(county, level)
    if federation is None:
        raise ValidationError({"work_division_code": _(
            "工作所在地（%(code)s）暂无可受理入会申请的总工会，请选择所在单位的工会或联系当地工会") % {"code": county}})
    return federation, RouteReason.COUNTY


def _employer_union(org: Org) -> Org:
    # A merged union's members now belong to the union it merged into: an application follows them there.
    seen = set()
    while org.status == OrgStatus.MERGED and org.merged_into_id and org.pk not in seen:
        seen.add(org.pk)
        org = org_by_pk(org.merged_into_id)
    if org.kind != OrgKind.GRASSROOTS:
        raise ValidationError({"employer_org": _("“%(name)s”不是单位的基层工会，请重新选择所在单位") % {"name": org.name}})
    if org.status != OrgStatus.ACTIVE:
        raise ValidationError({"employer_org": _(
            "“%(name)s”已撤销，不能受理入会申请；请重新选择所在单位，或不选单位、按工作所在地提交") % {"name": org.name}})
    return org


def _federation(division: str, level: str) -> Org | None:
    return federation_of(division, level)


def _new_forms_union(county: str, code: str, form: str, *, is_city: bool) -> Org | None:
    federation = None if is_city else _federation(county, OrgLevel.COUNTY)
    candidates = new_forms_organisers(county, federation.path if federation is not None else None)
    # `organised_forms` is a JSON list; JSON containment is PostgreSQL-only in Django, and a county has a
    # handful of industry and regional unions, so the form is matched here rather than in SQL.
    matching = [org for org in candidates if form in (org.organised_forms or [])]
    if not matching:
        return None
    # Nearest the work place first: the longest shared division prefix (a township's regional union before
    # the county's industry union), then the shallowest org, then the oldest.
    return min(matching, key=lambda org: (-_shared_prefix(org.division_code, code), org.depth, org.pk))


def _shared_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n
