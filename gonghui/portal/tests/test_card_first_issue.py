"""A member loaded by a roster import (no card yet) gets their first card when they open the card page."""
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from gonghui.core.models import AuditEvent
from gonghui.members.card import card_verify
from gonghui.members.choices import MembershipChange
from gonghui.members.models import Member, MemberCard
from gonghui.members.services import member_card_first_issue, membership_end

pytestmark = pytest.mark.django_db
CARD = "/portal/card/"


def _as_loaded_by_an_import(member: Member) -> Member:
    # A bulk load writes member rows and join events, no card (gonghui.roster.writing).
    MemberCard.objects.filter(member=member).delete()
    Member.objects.filter(pk=member.pk).update(card_number=None)
    member.refresh_from_db()
    return member


def test_the_first_visit_issues_a_card_whose_token_verifies_and_is_audited(client, world):
    member = _as_loaded_by_an_import(world.members["worker_member"])
    client.force_login(world.users["worker"])

    html = client.get(CARD).content.decode()

    member.refresh_from_db()
    assert member.card_number and member.card_number in html and "class=\"qr\"" in html
    token = MemberCard.objects.get(member=member, revoked_at__isnull=True)
    assert token.number == member.card_number
    assert AuditEvent.objects.filter(action="member.card_first_issue", object_id=str(member.pk)).count() == 1
    # a second visit issues nothing more
    client.get(CARD)
    assert MemberCard.objects.filter(member=member).count() == 1


def test_a_revoked_card_is_not_issued_again_by_a_visit(client, world):
    member = world.members["worker_member"]
    membership_end(member=member, kind=MembershipChange.WITHDRAW, reason_code="5", on=date.today(), actor=None)
    client.force_login(world.users["worker"])

    html = client.get(CARD).content.decode()

    assert MemberCard.objects.filter(member=member, revoked_at__isnull=True).count() == 0
    assert "class=\"qr\"" not in html


def test_only_the_member_themself_may_take_the_first_card(world):
    member = _as_loaded_by_an_import(world.members["worker_member"])

    with pytest.raises(PermissionDenied):
        member_card_first_issue(member=member, actor=world.users["other_worker"])
    with pytest.raises(PermissionDenied):
        member_card_first_issue(member=member, actor=world.users["county_cadre"])
    assert not MemberCard.objects.filter(member=member).exists()


def test_the_card_issued_on_first_visit_verifies_offline(client, world):
    member = _as_loaded_by_an_import(world.members["worker_member"])

    issued = member_card_first_issue(member=member, actor=world.users["worker"])

    from gonghui.members.card import card_token
    assert card_verify(card_token(member=issued)).valid
