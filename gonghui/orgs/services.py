"""Writes to the union tree. Every change of an Org row goes through one of these functions."""
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.scoping import subtree_q
from gonghui.core.uscc import InvalidUscc, validate as validate_uscc
from gonghui.orgs.choices import OrgKind, OrgStatus
from gonghui.orgs.models import Org, OrgEvent
from gonghui.orgs.permissions import can_manage_org
from gonghui.stats import upkeep as stats_upkeep
from gonghui.stats.categories import org_vector

_SNAPSHOT_FIELDS = ("name", "code", "kind", "level", "division_code", "status", "path", "uscc", "employer_name")


def snapshot(org: Org) -> dict:
    return {field: getattr(org, field) for field in _SNAPSHOT_FIELDS} | {"parent_id": org.parent_id}


def _check_manage(actor, org: Org) -> None:
    if actor is not None and not can_manage_org(actor, org):
        raise PermissionDenied(_("无权管理该工会组织"))


def _clean_fields(fields: dict) -> dict:
    if fields.get("uscc"):
        try:
            fields["uscc"] = validate_uscc(fields["uscc"])
        except InvalidUscc as exc:
            raise ValidationError({"uscc": exc.message}) from None
    return fields


@transaction.atomic
def org_create(*, parent: Org | None, name: str, kind: str, level: str, code: str, actor, **fields) -> Org:
    """Found an org under `parent`. `actor=None` is the system itself (demo data, migrations)."""
    if parent is not None:
        parent = Org.objects.select_for_update().get(pk=parent.pk)
        _check_manage(actor, parent)
        if not parent.is_active:
            raise ValidationError(_("上级工会“%(name)s”已撤销，不能在其下建会") % {"name": parent.name})
    elif actor is not None and not getattr(actor, "is_superuser", False):
        raise PermissionDenied(_("只有系统可以建立最上级总工会"))
    org = Org(parent=parent, name=name, kind=kind, level=level, code=code, **_clean_fields(fields))
    org.path = f"tmp:{code}"
    org.depth = (parent.depth + 1) if parent else 0
    org.full_clean(exclude=["path"])
    org.save()
    org.path = f"{parent.path if parent else '/'}{org.pk}/"
    Org.objects.filter(pk=org.pk).update(path=org.path)
    found = OrgEvent.objects.create(
        org=org, kind=OrgEvent.Kind.FOUND, on=org.founded_on or date.today(), new_parent=parent, new_path=org.path
    )
    stats_upkeep.org_founded(org=org, on=found.on)
    audit.record(actor=actor, action="org.create", obj=org, org_path=org.path, after=snapshot(org))
    return org


@transaction.atomic
def org_update(*, org: Org, actor, **fields) -> Org:
    """Change an org's own attributes (not its place in the tree: see org_move)."""
    org = Org.objects.select_for_update().get(pk=org.pk)
    _check_manage(actor, org)
    before = snapshot(org)
    counted, founded = org_vector(org), org.founded_on
    forbidden = {"parent", "path", "depth", "status", "member_count", "merged_into"} & fields.keys()
    if forbidden:
        raise ValueError(f"org_update cannot change {sorted(forbidden)}")
    for key, value in _clean_fields(fields).items():
        setattr(org, key, value)
    org.full_clean()
    org.save()
    if org.founded_on != founded and org.founded_on and founded:
        stats_upkeep.org_refounded(org=org, before=counted, old_on=founded, new_on=org.founded_on)
    if org_vector(org) != counted:
        stats_upkeep.org_changed(before=counted, org=org)
    audit.record(actor=actor, action="org.update", obj=org, org_path=org.path, before=before, after=snapshot(org))
    return org


@transaction.atomic
def org_move(*, org: Org, new_parent: Org, actor, note: str = "") -> Org:
    """Move an org and its whole subtree under `new_parent`; one UPDATE rewrites every path below it."""
    org = Org.objects.select_for_update().get(pk=org.pk)
    new_parent = Org.objects.select_for_update().get(pk=new_parent.pk)
    _check_manage(actor, org)
    _check_manage(actor, new_parent)
    if org.parent_id is None:
        raise ValidationError(_("最上级总工会不能移动"))
    if new_parent.path.startswith(org.path):
        raise ValidationError(_("不能把工会移到它自己或它的下级之下"))
    if not new_parent.is_active:
        raise ValidationError(_("目标上级工会已撤销"))
    before = snapshot(org)
    old_path, new_path = org.path, f"{new_parent.path}{org.pk}/"
    depth_shift = new_parent.depth + 1 - org.depth
    # Lock the subtree first, in a statement of its own: it waits for any transaction moving an org *into*
    # the subtree, and the UPDATE below then starts from a snapshot that holds that org. A single UPDATE
    # would miss it (PostgreSQL rechecks only the rows its own snapshot found) and leave its path stale.
    list(Org.objects.select_for_update().filter(subtree_q(old_path)).values_list("pk", flat=True))
    # Paths are unique: rewrite in one statement so no intermediate state is ever visible.
    Org.objects.filter(subtree_q(old_path)).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_shift,
    )
    Org.objects.filter(pk=org.pk).update(parent=new_parent)
    stats_upkeep.org_moved(old_path=old_path, new_path=new_path)
    org.refresh_from_db()
    OrgEvent.objects.create(
        org=org, kind=OrgEvent.Kind.MOVE, on=timezone.localdate(), old_parent_id=before["parent_id"],
        new_parent=new_parent, old_path=old_path, new_path=new_path, note=note,
    )
    audit.record(actor=actor, action="org.move", obj=org, org_path=new_path, before=before, after=snapshot(org))
    return org


@transaction.atomic
def org_close(*, org: Org, actor, on: date | None = None, note: str = "") -> Org:
    """Close (撤销) an org. It must be empty first: members transferred, child orgs moved or closed."""
    org = Org.objects.select_for_update().get(pk=org.pk)
    _check_manage(actor, org)
    if not org.is_active:
        raise ValidationError(_("该工会已撤销或已合并"))
    if org.member_count:
        raise ValidationError(_("该工会还有%(n)d名会员，请先办理转会") % {"n": org.member_count})
    if org.children.filter(status=OrgStatus.ACTIVE).exists():
        raise ValidationError(_("该工会还有正常状态的下级组织，请先移动或撤销"))
    before, counted = snapshot(org), org_vector(org)
    org.status, org.closed_on = OrgStatus.CLOSED, on or timezone.localdate()
    org.save(update_fields=["status", "closed_on", "updated_at"])
    stats_upkeep.org_changed(before=counted, org=org, on=org.closed_on)
    OrgEvent.objects.create(org=org, kind=OrgEvent.Kind.CLOSE, on=org.closed_on, old_path=org.path, note=note)
    audit.record(actor=actor, action="org.close", obj=org, org_path=org.path, before=before, after=snapshot(org))
    return org


@transaction.atomic
def org_merge(*, source: Org, target: Org, actor, on: date | None = None, note: str = "") -> Org:
    """Merge `source` into `target`: its child orgs move under target, its members join target.

    The source row stays, marked merged with a pointer to the target, so its history remains readable.
    """
    # Lock in path order so that two merges touching the same pair cannot deadlock.
    locked = {o.pk: o for o in Org.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("path")}
    source, target = locked[source.pk], locked[target.pk]
    _check_manage(actor, source)
    _check_manage(actor, target)
    if source.pk == target.pk or target.path.startswith(source.path):
        raise ValidationError(_("不能把工会并入它自己或它的下级"))
    if not (source.is_active and target.is_active):
        raise ValidationError(_("只有正常状态的工会可以合并"))
    before = snapshot(source)
    for child in source.children.filter(status=OrgStatus.ACTIVE).order_by("pk"):
        org_move(org=child, new_parent=target, actor=actor, note=_("随%(name)s合并") % {"name": source.name})
    # Members are a lower concern of the tree's; the members app owns how they move (imported here, not at
    # module level, because members depends on orgs).
    from gonghui.members.services import members_reattach

    members_reattach(source=source, target=target, actor=actor)
    source.refresh_from_db()
    counted = org_vector(source)
    source.status, source.merged_into, source.closed_on = OrgStatus.MERGED, target, on or timezone.localdate()
    source.save(update_fields=["status", "merged_into", "closed_on", "updated_at"])
    stats_upkeep.org_changed(before=counted, org=source, on=source.closed_on)
    OrgEvent.objects.create(
        org=source, kind=OrgEvent.Kind.MERGE, on=source.closed_on, old_path=source.path, new_path=target.path,
        new_parent=target, note=note,
    )
    audit.record(actor=actor, action="org.merge", obj=source, org_path=source.path, before=before,
                 after=snapshot(source) | {"merged_into": target.pk})
    return source


