"""Writes to the member register. Every change of a Member row goes through one of these functions.

Membership history: every change is a `MembershipEvent` (national 会籍变化类型 codes), and `Member.status` is
always what `member_status_from_events` derives from the member's events; the services keep both in the same
transaction. `Org.member_count` counts ACTIVE members only: a retained member (保留会籍: retired, laid off,
between jobs — a member without dues or votes) is still a member but not counted as active.
"""
import re
from collections.abc import Iterable
from dataclasses import asdict
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, crypto
from gonghui.core.idnumber import InvalidIdNumber
from gonghui.core.phone import InvalidPhone, normalize_phone
from gonghui.core.pinyin import initials
from gonghui.members import card as cards
from gonghui.members.choices import MembershipChange, MembershipChangeReason, MemberStatus
from gonghui.members.models import Member, MemberCard, MembershipEvent
from gonghui.members.records import IdentityColumns, identity_columns
from gonghui.orgs.models import Org
from gonghui.orgs.permissions import can_manage_org
from gonghui.stats import upkeep as stats_upkeep

# Statuses a membership can no longer come back from by itself; a person who left or was struck off may join
# again (member_join reopens their row: one person, one member), the deceased may not.
ENDED = frozenset({MemberStatus.LEFT, MemberStatus.STRUCK_OFF, MemberStatus.DECEASED})
REJOINABLE = frozenset({MemberStatus.LEFT, MemberStatus.STRUCK_OFF})
END_KINDS = frozenset({MembershipChange.WITHDRAW, MembershipChange.STRIKE_OFF, MembershipChange.RETAIN})
# National fields a cadre may edit; the ID number, birth date and gender come from the ID and never change here.
EDITABLE_FIELDS = frozenset({
    "name", "phone", "ethnicity", "education", "political_status", "employment_status", "household_type",
    "household_place", "migrant_worker", "employment_form", "platform_company", "work_unit", "skill_level",
})
_DIVISION = re.compile(r"^(\d{6}|\d{9}|\d{12})$")
_REASONS = frozenset(MembershipChangeReason.values)


def member_snapshot(member: Member) -> dict:
    """What audit events keep of a member: masked numbers only."""
    return {
        "name": member.name, "org_id": member.org_id, "status": member.status,
        "id_number": member.id_number_masked, "phone": member.phone_masked,
        "joined_on": member.joined_on.isoformat() if member.joined_on else None,
        "card_number": member.card_number,
    }


# --- status and length ----------------------------------------------------------------------------------


def member_status_from_events(events: Iterable) -> MemberStatus:
    """The status a history leads to; `events` in the order they happened (MembershipEvent's ordering).

    A register entry with no history (loaded in bulk before histories were kept) counts as active.
    """
    status = MemberStatus.ACTIVE
    for event in events:
        kind = event.kind
        if kind in (MembershipChange.JOIN, MembershipChange.TRANSFER_IN):
            status = MemberStatus.ACTIVE
        elif kind == MembershipChange.RETAIN:
            status = MemberStatus.RETAINED
        elif kind == MembershipChange.TRANSFER_OUT:
            status = MemberStatus.TRANSFERRED
        elif kind == MembershipChange.WITHDRAW:
            status = MemberStatus.LEFT
        elif kind == MembershipChange.STRIKE_OFF:
            status = (MemberStatus.DECEASED if event.reason_code == MembershipChangeReason.DECEASED
                      else MemberStatus.STRUCK_OFF)
    return status


def membership_years(member: Member, today: date | None = None) -> int:
    """Full years of membership (会龄) since `joined_on`, which a transfer keeps and a rejoin restarts."""
    today = today or timezone.localdate()
    since = member.joined_on
    return max(0, today.year - since.year - ((today.month, today.day) < (since.month, since.day)))


# --- joining ----------------------------------------------------------------------------------------------


@transaction.atomic
def member_join(*, org: Org, name: str, id_number: str, joined_on: date, actor, phone: str = "",
                reason_code: str = "", **fields) -> Member:
    """Make a person a member of `org`: the member row (or a former member's row reopened), a JOIN event, the
    org's counter, a new card and the audit event, in one transaction.

    One person, one member: a person already on the register (active, retained or transferred) is refused with
    a Chinese message naming the union that holds them. `status` in `fields` (for records that arrive already
    ended, e.g. an imported 退会 row) applies the matching end event on `joined_on` right after the join.
    """
    return _join(org=org, name=name, id_number=id_number, joined_on=joined_on, actor=actor, phone=phone,
                 reason_code=reason_code, action="member.join", **fields)


@transaction.atomic
def member_register(*, org: Org, name: str, id_number: str, joined_on: date, actor, phone: str = "",
                    reason_code: str = "", **fields) -> Member:
    """A cadre puts a person on the register directly: member_join, audited as a registration."""
    return _join(org=org, name=name, id_number=id_number, joined_on=joined_on, actor=actor, phone=phone,
                 reason_code=reason_code, action="member.register", **fields)


def _join(*, org, name, id_number, joined_on, actor, phone, reason_code, action, **fields) -> Member:
    status = fields.pop("status", MemberStatus.ACTIVE)
    org = Org.objects.select_for_update().get(pk=org.pk)
    if actor is not None and not can_manage_org(actor, org):
        raise PermissionDenied(_("无权在该工会登记会员"))
    if not org.is_active:
        raise ValidationError(_("工会“%(name)s”已撤销，不能登记会员") % {"name": org.name})
    identity = _identity(name=name, id_number=id_number, phone=phone)
    _check_reason(reason_code)
    _check_not_future(joined_on, "joined_on")
    # Locked, so that two approvals for a former member cannot both reopen the row.
    existing = Member.objects.select_for_update().filter(id_number_hash=identity.id_number_hash).first()
    if existing is not None and existing.status not in REJOINABLE:
        held = {"org": Org.objects.get(pk=existing.org_id).name, "name": existing.id_number_masked}
        if existing.status == MemberStatus.DECEASED:
            raise ValidationError({"id_number": _("此人已在“%(org)s”登记为已故会员（%(name)s）") % held})
        raise ValidationError({"id_number": _("此人已是“%(org)s”的会员（%(name)s）") % held})
    before = None
    if existing is None:
        member = Member(org=org, joined_on=joined_on, status=MemberStatus.ACTIVE, **asdict(identity), **fields)
    else:
        before = member_snapshot(existing)
        member = existing
        member.org, member.joined_on, member.status = org, joined_on, MemberStatus.ACTIVE
        member.name, member.name_initials = identity.name, identity.name_initials
        if identity.phone_hash:
            member.phone_enc, member.phone_hash = identity.phone_enc, identity.phone_hash
        for key, value in fields.items():
            setattr(member, key, value)
    member.full_clean(exclude=["id_number_enc", "phone_enc", "id_number_hash", "card_number"])
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        raise ValidationError({"id_number": _("此人已登记为会员")}) from None
    MembershipEvent.objects.create(member=member, kind=MembershipChange.JOIN, org=org, on=joined_on,
                                   reason_code=reason_code, actor=_user(actor))
    Org.objects.filter(pk=org.pk).update(member_count=F("member_count") + 1)
    stats_upkeep.member_joined(member=member, org=org, on=joined_on)
    cards.card_issue(member=member, org=org)
    if status != MemberStatus.ACTIVE:
        kind, reason = _END_FOR_STATUS.get(status, (None, ""))
        if kind is None:
            raise ValidationError({"status": _("不能以“%(s)s”状态登记会员") % {"s": MemberStatus(status).label}})
        _end_locked(member=member, org=org, kind=kind, reason_code=reason, on=joined_on, actor=actor)
    audit.record(actor=actor, action="member.rejoin" if before else action, obj=member, org_path=org.path,
                 before=before, after=member_snapshot(member))
    return member


_END_FOR_STATUS = {
    MemberStatus.RETAINED: (MembershipChange.RETAIN, ""),
    MemberStatus.LEFT: (MembershipChange.WITHDRAW, ""),
    MemberStatus.STRUCK_OFF: (MembershipChange.STRIKE_OFF, ""),
    MemberStatus.DECEASED: (MembershipChange.STRIKE_OFF, MembershipChangeReason.DECEASED),
}


# --- transfer ---------------------------------------------------------------------------------------------


@transaction.atomic
def membership_transfer(*, member: Member, to_org: Org, on: date, actor, transfer=None) -> Member:
    """Move a member to another union (转会): TRANSFER_OUT at the old union and TRANSFER_IN at the new, both
    counters moved exactly, a new card naming the new union; `joined_on` (会龄) is kept.

    With a `transfer` (joining.Transfer, accepted by one side) the actor must manage either union; without one
    (a direct move by a higher cadre) both.
    """
    member, orgs = _lock(member, to_org)
    old, new = orgs[member.org_id], orgs[to_org.pk]
    if actor is not None:
        sides = [can_manage_org(actor, old), can_manage_org(actor, new)]
        if not (any(sides) if transfer is not None else all(sides)):
            raise PermissionDenied(_("无权办理该会员的转会"))
    if transfer is not None and (transfer.member_id, transfer.from_org_id, transfer.to_org_id) != (
            member.pk, old.pk, new.pk):
        raise ValidationError(_("转会记录与会员当前所在工会不一致"))
    if old.pk == new.pk:
        raise ValidationError(_("转入工会不能与转出工会相同"))
    if not new.is_active:
        raise ValidationError(_("工会“%(name)s”已撤销，不能转入会员") % {"name": new.name})
    if member.status not in (MemberStatus.ACTIVE, MemberStatus.RETAINED):
        raise ValidationError(_("会籍状态为“%(s)s”，不能转会") % {"s": member.get_status_display()})
    _check_on(member, on)
    before = member_snapshot(member)
    counted = stats_upkeep.member_state(member, old)
    note = (transfer.reason or "")[:200] if transfer is not None else ""
    for kind, org in ((MembershipChange.TRANSFER_OUT, old), (MembershipChange.TRANSFER_IN, new)):
        MembershipEvent.objects.create(member=member, kind=kind, org=org, on=on, note=note, actor=_user(actor))
    if member.status == MemberStatus.ACTIVE:
        Org.objects.filter(pk=old.pk).update(member_count=F("member_count") - 1)
    Org.objects.filter(pk=new.pk).update(member_count=F("member_count") + 1)
    member.org, member.status = new, MemberStatus.ACTIVE
    member.save(update_fields=["org", "status", "updated_at"])
    stats_upkeep.member_transferred(before=counted, after=stats_upkeep.member_state(member, new), on=on)
    cards.card_issue(member=member, org=new)
    audit.record(actor=actor, action="member.transfer", obj=member, org_path=new.path, before=before,
                 after=member_snapshot(member) | {"from_org_id": old.pk, "transfer_id": getattr(transfer, "pk", None)})
    return member


# --- ending and retaining ---------------------------------------------------------------------------------


@transaction.atomic
def membership_end(*, member: Member, kind: str, reason_code: str, on: date, actor, note: str = "") -> Member:
    """End or suspend a membership: WITHDRAW (退会), STRIKE_OFF (除名) or RETAIN (保留会籍).

    * A death is STRIKE_OFF with reason DECEASED ("91", a platform extension; the national list has no code for
      it): the status becomes "deceased", not "struck off".
    * RETAIN keeps the membership without dues or votes (status "retained"). The card stays valid and shows the
      status, but the member no longer counts as active on the union's counter.
    * WITHDRAW and STRIKE_OFF end the membership: the card is revoked in the same transaction, so an online check
      refuses it at once (an offline check until the last token expires, see gonghui.members.card).
    """
    member, orgs = _lock(member)
    if actor is not None and not can_manage_org(actor, orgs[member.org_id]):
        raise PermissionDenied(_("无权变更该会员的会籍"))
    before = member_snapshot(member)
    _end_locked(member=member, org=orgs[member.org_id], kind=kind, reason_code=reason_code, on=on, actor=actor,
                note=note)
    audit.record(actor=actor, action="member.end", obj=member, org_path=member.org.path, before=before,
                 after=member_snapshot(member) | {"kind": kind, "reason_code": reason_code, "on": on.isoformat()})
    return member


def _end_locked(*, member, org, kind, reason_code, on, actor, note="") -> None:
    if kind not in END_KINDS:
        raise ValidationError({"kind": _("会籍变化类型应为退会、除名或保留会籍")})
    _check_reason(reason_code)
    if reason_code == MembershipChangeReason.DECEASED and kind != MembershipChange.STRIKE_OFF:
        raise ValidationError({"reason_code": _("会员死亡应以“除名”登记")})
    allowed = {MemberStatus.ACTIVE} if kind == MembershipChange.RETAIN else {MemberStatus.ACTIVE,
                                                                             MemberStatus.RETAINED}
    if member.status not in allowed:
        raise ValidationError(_("会籍状态为“%(s)s”，不能办理%(kind)s") % {
            "s": member.get_status_display(), "kind": MembershipChange(kind).label})
    _check_on(member, on)
    counted = stats_upkeep.member_state(member, org)
    event = MembershipEvent.objects.create(member=member, kind=kind, org=org, on=on, reason_code=reason_code,
                                           note=note[:200], actor=_user(actor))
    new_status = member_status_from_events([event])
    if member.status == MemberStatus.ACTIVE:
        Org.objects.filter(pk=org.pk).update(member_count=F("member_count") - 1)
    if new_status not in cards.HONOURED:
        cards.card_revoke(member=member, reason=str(MemberStatus(new_status).label))
    member.status = new_status
    member.save(update_fields=["status", "updated_at"])
    stats_upkeep.membership_ended(before=counted, after=stats_upkeep.member_state(member, org), kind=kind, on=on)


# --- the record's fields ----------------------------------------------------------------------------------


@transaction.atomic
def member_update(*, member: Member, actor, **fields) -> Member:
    """Correct the editable national fields (EDITABLE_FIELDS); audited with masked values before and after."""
    unknown = sorted(set(fields) - EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({key: _("不能修改这个字段") for key in unknown})
    member, orgs = _lock(member)
    if actor is not None and not can_manage_org(actor, orgs[member.org_id]):
        raise PermissionDenied(_("无权修改该会员的信息"))
    before, after = {}, {}
    counted = stats_upkeep.member_state(member, orgs[member.org_id])
    for key, value in fields.items():
        if key == "name":
            value = "".join(str(value).split())
            if not value:
                raise ValidationError({"name": _("姓名不能为空")})
            if value != member.name:
                before["name"], after["name"] = member.name, value
                member.name, member.name_initials = value, initials(value)
        elif key == "phone":
            try:
                value = normalize_phone(value) if value else ""
            except InvalidPhone as exc:
                raise ValidationError({"phone": exc.message}) from None
            if value != member.phone:
                before["phone"] = member.phone_masked
                member.phone_enc = crypto.encrypt(value, context=b"phone") if value else None
                member.phone_hash = crypto.blind_index(value, purpose="phone") if value else ""
                after["phone"] = member.phone_masked
        else:
            if key == "household_place" and value and not _DIVISION.match(str(value)):
                raise ValidationError({key: _("户籍所在地应为6、9或12位行政区划代码")})
            if getattr(member, key) != value:
                before[key], after[key] = getattr(member, key), value
                setattr(member, key, value)
    if not after:
        return member
    member.full_clean(exclude=["id_number_enc", "phone_enc", "id_number_hash", "card_number", "org", "user"])
    changed = set(after) | ({"name_initials"} if "name" in after else set()) | (
        {"phone_enc", "phone_hash"} if "phone" in after else set())
    member.save(update_fields=sorted(changed - {"phone"}) + ["updated_at"])
    stats_upkeep.member_edited(before=counted, after=stats_upkeep.member_state(member, orgs[member.org_id]),
                               changed=set(after))
    audit.record(actor=actor, action="member.update", obj=member, org_path=member.org.path, before=before,
                 after=after)
    return member


@transaction.atomic
def member_card_reissue(*, member: Member, actor) -> Member:
    """A new card for a member whose membership holds (a token feared copied, or a record loaded without one)."""
    member, orgs = _lock(member)
    if actor is not None and not can_manage_org(actor, orgs[member.org_id]):
        raise PermissionDenied(_("无权为该会员换发会员卡"))
    if member.status not in cards.HONOURED:
        raise ValidationError(_("会籍状态为“%(s)s”，不能发放会员卡") % {"s": member.get_status_display()})
    before = member_snapshot(member)
    cards.card_issue(member=member, org=member.org)
    audit.record(actor=actor, action="member.card_reissue", obj=member, org_path=member.org.path, before=before,
                 after=member_snapshot(member))
    return member


@transaction.atomic
def member_card_first_issue(*, member: Member, actor) -> Member:
    """The first card of a member who never had one (a record loaded by a roster import or the demo), issued
    when the member opens the card page. Only the member themself; never after a card was revoked (an ended
    membership's card stays revoked, and a replacement is the union's decision: member_card_reissue)."""
    member, orgs = _lock(member)
    if actor is None or member.user_id is None or member.user_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("只能领取本人的会员卡"))
    if member.status not in cards.HONOURED:
        raise ValidationError(_("会籍状态为“%(s)s”，不能发放会员卡") % {"s": member.get_status_display()})
    if MemberCard.objects.filter(member=member).exists():
        return member
    before = member_snapshot(member)
    cards.card_issue(member=member, org=orgs[member.org_id])
    audit.record(actor=actor, action="member.card_first_issue", obj=member, org_path=orgs[member.org_id].path,
                 before=before, after=member_snapshot(member))
    return member


# --- merges of unions -------------------------------------------------------------------------------------


@transaction.atomic
def members_reattach(*, source: Org, target: Org, actor) -> int:
    """Move every member of `source` to `target` (a merge of unions), keeping both counters exact."""
    # Lock in path order like org_merge, and count from the locked rows: a caller's copy of `source` may be
    # stale, and its member_count then moved the wrong number.
    locked = {o.pk: o for o in Org.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("path")}
    source, target = locked[source.pk], locked[target.pk]
    if actor is not None and not (can_manage_org(actor, source) and can_manage_org(actor, target)):
        raise PermissionDenied(_("无权转移该工会的会员"))
    active = Member.objects.filter(org=source, status=MemberStatus.ACTIVE).count()
    stats_upkeep.members_reattaching(source=source, target=target)
    moved = Member.objects.filter(org=source).update(org=target)
    Org.objects.filter(pk=source.pk).update(member_count=0)
    Org.objects.filter(pk=target.pk).update(member_count=F("member_count") + active)
    audit.record(actor=actor, action="member.reattach", object_type="orgs.org", object_id=source.pk,
                 org_path=target.path, after={"from": source.pk, "to": target.pk, "members": moved})
    return moved


# --- helpers ----------------------------------------------------------------------------------------------


def _lock(member: Member, *also: Org) -> tuple[Member, dict[int, Org]]:
    """Lock the member's union (and `also`) in path order, then the member: the order member_join and
    members_reattach take (org before member), so two services never wait on each other in a circle."""
    for _attempt in range(3):
        org_id = Member.objects.filter(pk=member.pk).values_list("org_id", flat=True).first()
        if org_id is None:
            raise Member.DoesNotExist(member.pk)
        ids = {org_id, *(o.pk for o in also)}
        orgs = {o.pk: o for o in Org.objects.select_for_update().filter(pk__in=ids).order_by("path")}
        locked = Member.objects.select_for_update().get(pk=member.pk)
        # A transfer may have moved the member between the read and the lock: lock the new union instead.
        if locked.org_id == org_id:
            locked.org = orgs[org_id]
            return locked, orgs
    raise ValidationError(_("会员正在被其他操作修改，请稍后重试"))


def _identity(*, name: str, id_number: str, phone: str) -> IdentityColumns:
    try:
        identity = identity_columns(name=name, id_number=id_number, phone=phone)
    except InvalidIdNumber as exc:
        raise ValidationError({"id_number": exc.message}) from None
    except InvalidPhone as exc:
        raise ValidationError({"phone": exc.message}) from None
    if not identity.name:
        raise ValidationError({"name": _("姓名不能为空")})
    return identity


def _check_reason(reason_code: str) -> None:
    if reason_code and reason_code not in _REASONS:
        raise ValidationError({"reason_code": _("会籍变化原因代码不正确")})


def _check_not_future(on: date, field: str) -> None:
    if on > timezone.localdate():
        raise ValidationError({field: _("日期不能晚于今天")})


def _check_on(member: Member, on: date) -> None:
    """A change happens after the join and after the last change: events then sort by date as they happened."""
    _check_not_future(on, "on")
    last = MembershipEvent.objects.filter(member=member).order_by("-on", "-id").values_list("on", flat=True).first()
    floor = max(filter(None, [member.joined_on, last]))
    if on < floor:
        raise ValidationError({"on": _("会籍变化日期不能早于%(date)s") % {"date": floor.isoformat()}})


def _user(actor):
    return actor if getattr(actor, "pk", None) else None
