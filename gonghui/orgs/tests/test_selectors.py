"""Reads of the union tree: who sees which orgs, and counts that always equal the live rows."""
import collections
import random
from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import Http404

from gonghui.core import idnumber, uscc
from gonghui.members.choices import MemberStatus
from gonghui.members.models import Member
from gonghui.members.services import member_register
from gonghui.orgs.choices import OrgKind, OrgLevel, OrgStatus
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import children_with_counts, org_get, org_roots, org_search, subtree_member_count
from gonghui.orgs.services import org_close, org_create, org_merge, org_move

SICHUAN = {"province", "city", "county", "grassroots", "industry", "sibling_county", "sibling_grassroots",
           "sibling_city"}
JIANGXI = {"other_province", "other_city", "other_county", "other_grassroots"}


def _keys(world, queryset) -> set[str]:
    by_pk = {org.pk: key for key, org in world.orgs.items()}
    return {by_pk[pk] for pk in queryset.values_list("pk", flat=True)}


@pytest.mark.parametrize(("persona", "expected"), [
    ("province_cadre", SICHUAN),
    ("auditor", SICHUAN),
    ("city_cadre", {"city", "county", "grassroots", "industry", "sibling_county", "sibling_grassroots"}),
    ("county_cadre", {"county", "grassroots", "industry"}),
    ("grassroots_cadre", {"grassroots"}),
    ("other_county_cadre", {"sibling_county", "sibling_grassroots"}),
    ("other_province_cadre", JIANGXI),
    ("worker", set()),
    ("stranger", set()),
])
def test_each_persona_sees_exactly_the_subtrees_of_their_roles(world, persona, expected):
    assert _keys(world, Org.objects.visible_to(world.users[persona])) == expected


@pytest.mark.parametrize("actor", [None, AnonymousUser()])
def test_nobody_signed_in_sees_no_org(world, actor):
    assert not Org.objects.visible_to(actor).exists()


def test_a_cadre_with_roles_on_two_orgs_sees_both_subtrees(world):
    from gonghui.accounts.services import role_grant
    from gonghui.accounts.models import User

    role_grant(user=world.grassroots_cadre, org=world.other_county, kind="staff", actor=None)
    cadre = User.objects.get(pk=world.grassroots_cadre.pk)

    assert _keys(world, Org.objects.visible_to(cadre)) == {"grassroots", "other_county", "other_grassroots"}


def test_a_role_on_a_closed_org_gives_no_scope(world):
    from gonghui.accounts.models import User
    from gonghui.accounts.services import role_grant

    empty = org_create(parent=world.county, name="空工会", kind=OrgKind.INDUSTRY, level=OrgLevel.COUNTY, code="E1",
                       actor=None)
    role_grant(user=world.stranger, org=empty, kind="chair", actor=None)
    org_close(org=empty, actor=None)

    assert not Org.objects.visible_to(User.objects.get(pk=world.stranger.pk)).exists()


def test_an_org_out_of_scope_is_answered_like_a_missing_one(world):
    assert org_get(actor=world.county_cadre, pk=world.grassroots.pk) == world.grassroots
    with pytest.raises(Http404):
        org_get(actor=world.county_cadre, pk=world.sibling_grassroots.pk)
    with pytest.raises(Http404):
        org_get(actor=world.county_cadre, pk=999_999)


def test_the_roots_of_a_scope_are_the_orgs_the_roles_sit_on(world):
    assert org_roots(actor=world.county_cadre) == [world.county]
    assert org_roots(actor=world.worker) == []


def test_org_search_finds_by_name_code_and_credit_code_within_scope(world):
    assert list(org_search(actor=world.county_cadre, query="科技")) == [world.grassroots]
    assert list(org_search(actor=world.county_cadre, query="510104G1")) == [world.grassroots]
    assert list(org_search(actor=world.county_cadre, query=world.grassroots.uscc.lower())) == [world.grassroots]
    assert list(org_search(actor=world.county_cadre, query="医院")) == []
    assert list(org_search(actor=world.county_cadre, query="  ")) == []


def test_children_with_counts_of_the_personas_tree(world):
    rows = {row["org"].name: row for row in children_with_counts(actor=world.province_cadre, org=world.city)}

    assert set(rows) == {"锦江区总工会", "青羊区总工会"}
    assert (rows["锦江区总工会"]["members"], rows["锦江区总工会"]["orgs"], rows["锦江区总工会"]["grassroots"]) == (1, 2, 1)
    assert rows["锦江区总工会"]["has_children"] is True
    assert (rows["青羊区总工会"]["members"], rows["青羊区总工会"]["orgs"]) == (1, 1)


def test_children_with_counts_shows_only_visible_children(world):
    assert [r["org"] for r in children_with_counts(actor=world.county_cadre, org=world.city)] == [world.county]
    assert children_with_counts(actor=world.county_cadre, org=world.sibling_county) == []
    assert [r["org"] for r in children_with_counts(actor=world.county_cadre, org=world.county)] == [
        world.grassroots, world.industry]


# --- counters equal live counts after any sequence of operations -------------------------------------


def _assert_counts_are_live(world) -> None:
    orgs = list(Org.objects.all())
    active = list(Member.objects.filter(status=MemberStatus.ACTIVE).values_list("org_id", "org__path"))
    direct = {org.pk: sum(1 for org_id, _p in active if org_id == org.pk) for org in orgs}
    subtree = {org.pk: sum(1 for _i, path in active if path.startswith(org.path)) for org in orgs}
    descendants = {org.pk: [o for o in orgs if o.path.startswith(org.path) and o.pk != org.pk] for org in orgs}
    for org in orgs:
        assert org.member_count == direct[org.pk], org
        assert subtree_member_count(org) == subtree[org.pk], org
        actor = world.province_cadre if org.path.startswith(world.province.path) else world.other_province_cadre
        for row in children_with_counts(actor=actor, org=org):
            child = row["org"]
            assert row["members"] == subtree[child.pk], child
            assert row["orgs"] == len(descendants[child.pk]), child
            assert row["grassroots"] == sum(1 for o in descendants[child.pk] + [child] if o.kind == OrgKind.GRASSROOTS)
    assert sum(direct.values()) == len(active)


@pytest.mark.parametrize("seed", range(6))
def test_counts_equal_live_rows_after_random_registrations_moves_merges_and_closings(world, seed):
    rng = random.Random(seed)
    serial = 1000 * (seed + 1)

    def active(**filters):
        return list(Org.objects.filter(status=OrgStatus.ACTIVE, **filters).order_by("pk"))

    done = collections.Counter()
    for step in range(1, 41):
        serial += 1
        operation = rng.choice(["register", "register", "found", "move", "merge", "close"])
        try:
            if operation == "register":
                org = rng.choice(active(parent__isnull=False))
                status = rng.choice([MemberStatus.ACTIVE, MemberStatus.ACTIVE, MemberStatus.LEFT])
                member_register(org=org, name=f"会员{serial}", status=status, joined_on=date(2020, 1, 1), actor=None,
                                id_number=idnumber.make("510104", date(1980, 1, 1), serial % 1000)
                                if serial % 1000 else idnumber.make("510105", date(1981, 1, 1), 1))
            elif operation == "found":
                parent = rng.choice(active())
                org_create(parent=parent, name=f"工会{serial}", kind=OrgKind.GRASSROOTS, level=OrgLevel.GRASSROOTS,
                           code=f"R{serial}", uscc=uscc.make("510104", serial), actor=None)
            elif operation == "move":
                org = rng.choice(active(parent__isnull=False))
                org_move(org=org, new_parent=rng.choice(active()), actor=None)
            elif operation == "merge":
                source = rng.choice(active(parent__isnull=False))
                org_merge(source=source, target=rng.choice(active()), actor=None)
            else:
                org_close(org=rng.choice(active(parent__isnull=False)), actor=None)
            done[operation] += 1
        except ValidationError:
            pass  # refused moves, merges and closings are part of the walk; the counts must hold regardless
        if step % 8 == 0:
            _assert_counts_are_live(world)
    assert done["register"] and done["move"] and done["merge"], done
