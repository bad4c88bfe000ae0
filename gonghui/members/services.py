"""Writes to the member register. Every change of a Member row goes through one of these functions."""
from dataclasses import asdict
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.idnumber import InvalidIdNumber
from gonghui.core.phone import InvalidPhone
from gonghui.members.choices import MemberStatus
from gonghui.members.models import Member
from gonghui.members.records import identity_columns
from gonghui.orgs.models import Org
from gonghui.orgs.permissions import can_manage_org


def member_snapshot(member: Member) -> dict:
    """What audit events keep of a member: masked numbers only."""
    return {
        "name": member.name, "org_id": member.org_id, "status": member.status,
        "id_number": member.id_number_masked, "phone": member.phone_masked,
        "joined_on": member.joined_on.isoformat() if member.joined_on else None,
    }


@transaction.atomic
def member_register(*, org: Org, name: str, id_number: str, joined_on: date, actor, phone: str = "",
                    **fields) -> Member:
    """Put a person on the register of `org`; the org's member counter moves in the same transaction."""
    org = Org.objects.select_for_update().get(pk=org.pk)
    if actor is not None and not can_manage_org(actor, org):
        raise PermissionDenied(_("无权在该工会登记会员"))
    if not org.is_active:
        raise ValidationError(_("工会“%(name)s”已撤销，不能登记会员") % {"name": org.name})
    try:
        identity = identity_columns(name=name, id_number=id_number, phone=phone)
    except InvalidIdNumber as exc:
        raise ValidationError({"id_number": exc.message}) from None
    except InvalidPhone as exc:
        raise ValidationError({"phone": exc.message}) from None
    existing = Member.objects.filter(id_number_hash=identity.id_number_hash).select_related("org").first()
    if existing is not None:
        raise ValidationError({"id_number": _("此人已是“%(org)s”的会员（%(name)s）") % {
            "org": existing.org.name, "name": existing.id_number_masked}})
    member = Member(org=org, joined_on=joined_on, **asdict(identity), **fields)
    member.full_clean(exclude=["id_number_enc", "phone_enc", "id_number_hash"])
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        raise ValidationError({"id_number": _("此人已登记为会员")}) from None
    if member.status == MemberStatus.ACTIVE:
        Org.objects.filter(pk=org.pk).update(member_count=F("member_count") + 1)
    audit.record(actor=actor, action="member.register", obj=member, org_path=org.path,
                 after=member_snapshot(member))
    return member


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
    moved = Member.objects.filter(org=source).update(org=target)
    Org.objects.filter(pk=source.pk).update(member_count=0)
    Org.objects.filter(pk=target.pk).update(member_count=F("member_count") + active)
    audit.record(actor=actor, action="member.reattach", object_type="orgs.org", object_id=source.pk,
                 org_path=target.path, after={"from": source.pk, "to": target.pk, "members": moved})
    return moved
