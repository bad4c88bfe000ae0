"""Transfers (转会): the member or the sending union asks, the receiving union accepts or declines.

A two-sided handshake across counties, cities and provinces, each side acting in its own scope:

* `transfer_request` — the member themself (side "member") or a managing cadre of the member's current union
  (side "sending"). The requester needs no sight of the receiving union's subtree: any active union that takes
  members is a valid target (`selectors_transfers.union_search`).
* `transfer_accept` / `transfer_decline` — a managing cadre of the receiving union, never the requester; the
  acceptance moves the member (`members.services.membership_transfer`) in the same transaction.
* `transfer_cancel` — the side that asked, while the transfer waits.

The database keeps the invariants that matter under concurrency: one open transfer per member (partial unique
index `transfer_one_open_per_member`) and never to the union the member is in (`transfer_to_another_union`).
The checks before the writes exist to give a Chinese message. Every change is audited with masked numbers;
the member hears by SMS, after the commit, of what others did to their membership.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.sms import send_sms
from gonghui.joining.choices import TransferSide, TransferStatus
from gonghui.joining.models import Transfer
from gonghui.joining.permissions import can_cancel_transfer, can_decide_transfer
from gonghui.joining.selectors_transfers import takes_members
from gonghui.members.choices import MemberStatus
from gonghui.members.models import Member
from gonghui.members.services import membership_transfer
from gonghui.orgs.models import Org
from gonghui.orgs.permissions import can_manage_org

REASON_MAX = 200


def transfer_snapshot(transfer: Transfer) -> dict:
    """What audit events keep of a transfer: the member by name and masked ID number, the unions by id."""
    member = transfer.member
    return {
        "member_id": member.pk, "member": member.name, "id_number": member.id_number_masked,
        "from_org_id": transfer.from_org_id, "to_org_id": transfer.to_org_id, "side": transfer.side,
        "status": transfer.status, "reason": transfer.reason, "decline_reason": transfer.decline_reason,
    }


@transaction.atomic
def transfer_request(*, member: Member, to_org: Org, actor, reason: str = "") -> Transfer:
    """Ask for `member` to move to `to_org`: by the member themself or by a cadre managing their union."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("转会须由会员本人或其所在工会发起"))
    # Locked so that the checks below and the insert see one state of the member; the unique index still
    # decides between two requests that race.
    member = Member.objects.select_for_update().get(pk=member.pk)
    member.org = Org.objects.get(pk=member.org_id)
    if member.user_id == actor.pk:
        side = TransferSide.MEMBER
    elif can_manage_org(actor, member.org):
        side = TransferSide.SENDING
    else:
        raise PermissionDenied(_("只有会员本人或其所在工会可以发起转会"))
    reason = _clean_reason(reason, field="reason")
    to_org = Org.objects.get(pk=to_org.pk)
    _check_target(member, to_org)
    if member.status != MemberStatus.ACTIVE:
        raise ValidationError(_("会籍状态为“%(status)s”，不能转会") % {"status": member.get_status_display()})
    _check_no_open_transfer(member)
    transfer = Transfer(member=member, from_org=member.org, to_org=to_org, side=side, reason=reason,
                        requested_by=actor)
    try:
        with transaction.atomic():
            transfer.save()
    except IntegrityError:
        _check_no_open_transfer(member)
        raise
    audit.record(actor=actor, action="transfer.request", obj=transfer, org_path=member.org.path,
                 after=transfer_snapshot(transfer))
    if side == TransferSide.SENDING:
        _notify(member, _("【工会】%(from)s已为您办理转会，转入“%(to)s”，待对方工会接收。") % {
            "from": member.org.name, "to": to_org.name})
    return transfer


@transaction.atomic
def transfer_accept(*, transfer: Transfer, actor) -> Transfer:
    """The receiving union accepts: the member moves (events, counters, card) and the transfer is closed."""
    # The order membership_transfer locks in (both unions by path, then the member), then the transfer, so an
    # acceptance and a merge or a join of either union never wait on each other in a circle.
    current = Transfer.objects.only("pk", "member_id", "from_org_id", "to_org_id").get(pk=transfer.pk)
    orgs = {o.pk: o for o in Org.objects.select_for_update().filter(
        pk__in=[current.from_org_id, current.to_org_id]).order_by("path")}
    member, transfer = _lock(current, orgs)
    if actor is not None and not can_decide_transfer(actor, transfer):
        raise PermissionDenied(_decide_refusal(actor, transfer))
    _check_open(transfer, _("接收"))
    if member.org_id != transfer.from_org_id:
        raise ValidationError(_("该会员已不在“%(org)s”，此转会不能办理，请撤销后重新发起") % {
            "org": transfer.from_org.name})
    _check_target(member, transfer.to_org)
    before = transfer_snapshot(transfer)
    member = membership_transfer(member=member, to_org=transfer.to_org, on=timezone.localdate(), actor=actor,
                                 transfer=transfer)
    transfer.member = member
    _close(transfer, TransferStatus.ACCEPTED, actor)
    audit.record(actor=actor, action="transfer.accept", obj=transfer, org_path=transfer.to_org.path,
                 before=before, after=transfer_snapshot(transfer))
    _notify(member, _("【工会】您的会籍已由“%(from)s”转入“%(to)s”，会龄连续计算，电子会员卡已更新。") % {
        "from": transfer.from_org.name, "to": transfer.to_org.name})
    return transfer


@transaction.atomic
def transfer_decline(*, transfer: Transfer, actor, reason: str) -> Transfer:
    """The receiving union declines, saying why; the member stays where they are."""
    reason = _clean_reason(reason, field="reason")
    if not reason:
        raise ValidationError({"reason": _("拒绝转会必须说明原因")})
    current = Transfer.objects.only("pk", "member_id").get(pk=transfer.pk)
    member, transfer = _lock(current)
    if actor is not None and not can_decide_transfer(actor, transfer):
        raise PermissionDenied(_decide_refusal(actor, transfer))
    _check_open(transfer, _("拒绝"))
    before = transfer_snapshot(transfer)
    transfer.decline_reason = reason
    _close(transfer, TransferStatus.DECLINED, actor, extra=["decline_reason"])
    audit.record(actor=actor, action="transfer.decline", obj=transfer, org_path=transfer.to_org.path,
                 before=before, after=transfer_snapshot(transfer))
    _notify(member, _("【工会】“%(to)s”未接收您的转会，原因：%(reason)s。您的会籍仍在“%(from)s”。") % {
        "to": transfer.to_org.name, "reason": reason, "from": transfer.from_org.name})
    return transfer


@transaction.atomic
def transfer_cancel(*, transfer: Transfer, actor) -> Transfer:
    """The side that asked withdraws the request while it waits."""
    current = Transfer.objects.only("pk", "member_id").get(pk=transfer.pk)
    member, transfer = _lock(current)
    if actor is not None and not can_cancel_transfer(actor, transfer):
        raise PermissionDenied(_("只有发起方可以撤销转会") if transfer.side == TransferSide.SENDING
                               else _("会员本人申请的转会只能由本人撤销"))
    _check_open(transfer, _("撤销"))
    before = transfer_snapshot(transfer)
    _close(transfer, TransferStatus.CANCELLED, actor)
    audit.record(actor=actor, action="transfer.cancel", obj=transfer, org_path=transfer.from_org.path,
                 before=before, after=transfer_snapshot(transfer))
    if transfer.side == TransferSide.SENDING:
        _notify(member, _("【工会】%(from)s为您办理的转入“%(to)s”的转会已撤销，您的会籍不变。") % {
            "from": transfer.from_org.name, "to": transfer.to_org.name})
    return transfer


# --- helpers ----------------------------------------------------------------------------------------------


def _lock(current: Transfer, orgs: dict[int, Org] | None = None) -> tuple[Member, Transfer]:
    """Lock the member, then the transfer (every transfer service takes them in this order)."""
    member = Member.objects.select_for_update().get(pk=current.member_id)
    transfer = Transfer.objects.select_for_update().get(pk=current.pk)
    orgs = orgs or {}
    ids = {transfer.from_org_id, transfer.to_org_id} - orgs.keys()
    orgs = orgs | {o.pk: o for o in Org.objects.filter(pk__in=ids)}
    transfer.from_org, transfer.to_org = orgs[transfer.from_org_id], orgs[transfer.to_org_id]
    member.org = orgs.get(member.org_id) or Org.objects.get(pk=member.org_id)
    transfer.member = member
    return member, transfer


def _check_target(member: Member, to_org: Org) -> None:
    if to_org.pk == member.org_id:
        raise ValidationError({"to_org": _("转入工会不能与现在所在的工会相同")})
    if not to_org.is_active:
        raise ValidationError({"to_org": _("工会“%(name)s”%(status)s，不能转入") % {
            "name": to_org.name, "status": to_org.get_status_display()}})
    if not takes_members(to_org):
        raise ValidationError({"to_org": _("“%(name)s”不直接吸收会员，请选择基层工会，或组织新就业形态劳动者的行业、"
                                           "区域工会") % {"name": to_org.name}})


def _check_no_open_transfer(member: Member) -> None:
    open_transfer = (Transfer.objects.filter(member=member, status=TransferStatus.REQUESTED)
                     .select_related("to_org").first())
    if open_transfer is not None:
        raise ValidationError(_("该会员已有一笔转会正在办理（转入“%(org)s”），请等待对方工会处理或先撤销") % {
            "org": open_transfer.to_org.name})


def _check_open(transfer: Transfer, verb: str) -> None:
    if transfer.status != TransferStatus.REQUESTED:
        raise ValidationError(_("该转会%(status)s，不能再%(verb)s") % {
            "status": transfer.get_status_display(), "verb": verb})


def _decide_refusal(actor, transfer: Transfer) -> str:
    if getattr(actor, "pk", None) == transfer.requested_by_id and can_manage_org(actor, transfer.to_org):
        return _("不能处理自己发起的转会，须由转入工会接收或拒绝")
    return _("只有转入工会可以接收或拒绝转会")


def _clean_reason(reason: str, *, field: str) -> str:
    reason = " ".join(str(reason or "").split())
    if len(reason) > REASON_MAX:
        raise ValidationError({field: _("不能超过%(n)d个字符") % {"n": REASON_MAX}})
    return reason


def _close(transfer: Transfer, status: str, actor, extra: list[str] | None = None) -> None:
    transfer.status = status
    transfer.decided_by = actor if getattr(actor, "pk", None) else None
    transfer.decided_at = timezone.now()
    transfer.save(update_fields=["status", "decided_by", "decided_at", *(extra or [])])


def _notify(member: Member, text: str) -> None:
    phone = member.phone
    if phone:
        transaction.on_commit(lambda: send_sms(phone, text))
