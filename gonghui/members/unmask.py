"""Showing a member's full ID and phone number (查看完整号码): a permission, a stated reason, one audit event.

A service (ARCHITECTURE.md rule 5): the console's member page and `POST /api/v1/members/{id}/unmask` both call
`member_unmask`, which checks `permissions.can_unmask`, demands a reason, records who, whom, why and from
which address (GB/T 22239-2019 8.1.4.3; PIPL art. 51), and only then hands back the numbers.
"""
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.masking import mask_id_number, mask_phone
from gonghui.members.models import Member
from gonghui.members.permissions import can_unmask

REASON_MIN, REASON_MAX = 2, 200
# A run of 11 or more digits (a phone number, an ID number with its last character): masked in the event.
_NUMBER = re.compile(r"\d{11,}[\dXx]?")


@dataclass(frozen=True)
class Unmasked:
    id_number: str
    phone: str


def _masked(text: str) -> str:
    return _NUMBER.sub(lambda m: mask_id_number(m.group()) if len(m.group()) > 11 else mask_phone(m.group()), text)


@transaction.atomic
def member_unmask(*, member: Member, reason: str, actor) -> Unmasked:
    """The member's full numbers, for a caller who may see them and says why. `member` comes from a scoped
    selector (members.selectors.member_get), so out of scope has already answered 404."""
    if not can_unmask(actor, member):
        raise PermissionDenied(_("您无权查看该会员的完整证件号码和手机号"))
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("请填写查看完整号码的理由")})
    if len(reason) < REASON_MIN:  # something was typed: say what is missing, not that nothing was
        raise ValidationError({"reason": _("理由至少需要%(min)d个字（最多%(max)d个字）") % {
            "min": REASON_MIN, "max": REASON_MAX}})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("理由不能超过%(n)d个字") % {"n": REASON_MAX}})
    # The event says which numbers were shown, never the numbers themselves (the audit log is masked), even
    # when the reason quotes one ("核对 13800010001").
    audit.record(actor=actor, action="member.unmask", obj=member, org_path=member.org.path,
                 after={"reason": _masked(reason),
                        "fields": ["id_number", "phone"] if member.phone_enc else ["id_number"]})
    return Unmasked(id_number=member.id_number, phone=member.phone)
