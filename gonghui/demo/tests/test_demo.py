"""The demo generator builds a tree the services accept, with valid numbers, exact counters, and repeats per seed."""
from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F

from gonghui.accounts.models import User
from gonghui.core import crypto, idnumber, uscc
from gonghui.core.models import AuditEvent
from gonghui.demo.generate import PROVINCE_GRASSROOTS, PROVINCE_MEMBERS, generate, plan
from gonghui.demo.logins import DEMO_PASSWORD
from gonghui.demo.people import WORKER_PHONES
from gonghui.members.card import card_token, card_verify
from gonghui.members.choices import MembershipChange
from gonghui.members.models import Member, MembershipEvent
from gonghui.members.records import identity_columns
from gonghui.members.services import member_register
from gonghui.orgs import divisions
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import subtree_member_count
from gonghui.orgs.services import org_merge, org_move

SMALL = {"province": "四川", "scale": "county", "members": 4000, "grassroots": 150, "progress": None}


@pytest.fixture
def demo(db):
    return generate(seed=7, **SMALL)


def test_every_id_number_is_valid_and_belongs_to_its_members_county(demo):
    county_of = dict(Org.objects.values_list("id", "division_code"))
    for org_id, blob, division in Member.objects.values_list("org_id", "id_number_enc", "division_code"):
        parsed = idnumber.parse(crypto.decrypt(blob, context=b"id_number"))
        assert parsed.division_code == division == county_of[org_id][:6]
        assert 18 <= (date(2025, 12, 31) - parsed.birth_date).days // 365.25 <= 60


def test_member_columns_are_exactly_what_identity_columns_makes(demo):
    for member in Member.objects.order_by("id")[:200]:
        expected = identity_columns(name=member.name, id_number=member.id_number, phone=member.phone)
        assert (member.name_initials, member.id_number_hash, member.phone_hash) == (
            expected.name_initials, expected.id_number_hash, expected.phone_hash)
        assert (member.birth_date, member.gender, member.division_code) == (
            expected.birth_date, expected.gender, expected.division_code)


def test_every_credit_code_is_valid_and_unique(demo):
    codes = list(Org.objects.filter(kind="grassroots").values_list("uscc", flat=True))
    assert len(codes) == 150 and len(set(codes)) == len(codes)
    assert all(uscc.validate(code) == code for code in codes)
    assert not Org.objects.exclude(kind="grassroots").exclude(uscc="").exists()


def test_member_counters_equal_the_active_members_each_org_holds(demo):
    live = dict(Member.objects.filter(status="active").values_list("org_id").annotate(n=Count("id")))
    for org_id, counter in Org.objects.values_list("id", "member_count"):
        assert counter == live.get(org_id, 0)
    assert subtree_member_count(demo.province) == Member.objects.count() == 4000 == demo.members


def test_paths_and_depths_are_what_org_create_would_write(demo):
    orgs = {o.id: o for o in Org.objects.all()}
    for org in orgs.values():
        if org.parent_id is None:
            assert (org.path, org.depth, org.kind) == (f"/{org.id}/", 0, "federation")
        else:
            parent = orgs[org.parent_id]
            assert org.path == f"{parent.path}{org.id}/" and org.depth == parent.depth + 1
    assert Org.objects.get(code="510104").name == "锦江区总工会"
    assert Org.objects.get(code="5101").name == "成都市总工会"
    townships = Org.objects.filter(kind="township")
    assert townships.count() == len(divisions.townships("510104"))
    assert all(len(t.division_code) == 9 for t in townships)


def test_the_tree_has_every_kind_of_union(demo):
    kinds = Counter(Org.objects.values_list("kind", flat=True))
    assert set(kinds) == {"federation", "township", "industry", "regional", "grassroots", "branch"}
    assert Org.objects.filter(kind="industry", new_forms=True, name__contains="快递").exists()
    assert Member.objects.exclude(employment_form="").exists()
    assert set(Member.objects.values_list("org__new_forms", flat=True).filter(employment_form__gt="")) == {True}


def _fingerprint():
    orgs = list(Org.objects.order_by("id").values_list("id", "path", "code", "name", "uscc", "member_count",
                                                       "employer_name", "founded_on"))
    members = sorted(Member.objects.values_list("org__code", "name", "id_number_hash", "phone_hash",
                                                "birth_date", "joined_on", "ethnicity"))
    return orgs, members


def _run(seed):
    with transaction.atomic():
        generate(seed=seed, **SMALL)
        fingerprint = _fingerprint()
        transaction.set_rollback(True)
    assert not Org.objects.exists()
    return fingerprint


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_names_codes_and_id_numbers():
    first, second, other = _run(11), _run(11), _run(12)
    assert first == second
    assert first[1] != other[1]


def test_demo_logins_sign_in_and_the_workers_are_members(demo):
    assert {login.username for login in demo.logins if not login.phone} == {
        "province_cadre", "city_cadre", "county_cadre", "grassroots_chair", "auditor", "sysadmin", "secadmin",
        "auditadmin"}
    assert User.objects.get(username="county_cadre").check_password(DEMO_PASSWORD)
    assert User.objects.get(username="sysadmin").is_staff
    workers = Member.objects.filter(user__isnull=False)
    assert sorted(m.phone for m in workers) == list(WORKER_PHONES)
    assert AuditEvent.objects.filter(action="demo.generate").count() == 1


def test_cadres_can_run_the_services_on_demo_data(demo):
    county_cadre = User.objects.get(username="county_cadre")
    chair = User.objects.get(username="grassroots_chair")
    own = chair.roles.get().org
    member_register(org=own, name="新会员", id_number=idnumber.make("510104", date(1995, 3, 3), 901),
                    joined_on=date(2026, 1, 5), actor=chair)
    a, b = Org.objects.filter(kind="township").order_by("id")[:2]
    moved = org_move(org=own, new_parent=b, actor=county_cadre)
    assert moved.path == f"{b.path}{own.id}/"
    source = Org.objects.filter(parent=a, kind="grassroots").exclude(pk=own.pk).order_by("id").first()
    org_merge(source=source, target=moved, actor=county_cadre)
    live = Member.objects.filter(org=moved, status="active").count()
    assert Org.objects.get(pk=moved.pk).member_count == live
    assert subtree_member_count(demo.province) == Member.objects.count() == 4001


def test_the_command_prints_counts_and_logins_and_refuses_a_database_with_orgs(db, tmp_path):
    out, logins_file = StringIO(), tmp_path / "demo-logins.txt"
    call_command("demo", "--scale", "county", "--members", "300", "--grassroots", "40",
                 f"--logins-file={logins_file}", stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert "总工会 省级 1 / 市级 1 / 县级 1" in text and "基层工会 40" in text and "会员 300 人" in text
    assert DEMO_PASSWORD in text and WORKER_PHONES[0] in text
    assert logins_file.read_text(encoding="utf-8").strip() == text.strip()
    with pytest.raises(CommandError, match="只写入空数据库"):
        call_command("demo", "--scale", "county", stdout=StringIO(), stderr=StringIO())


def test_the_province_plan_reaches_150_thousand_orgs_and_2_million_members():
    sichuan = divisions.province("四川")
    targets = plan(sichuan, "province")
    assert len(targets) == 183
    assert sum(t.grassroots for t in targets) == PROVINCE_GRASSROOTS
    assert sum(t.members for t in targets) == PROVINCE_MEMBERS
    federations, townships = 1 + 21 + 183, sum(len(divisions.townships(t.county)) for t in targets)
    at_least_per_county = 2 + 1  # the 快递 and 网约车 industry unions, an industrial-park union
    assert federations + townships + 183 * at_least_per_county + PROVINCE_GRASSROOTS >= 150_000
    city = plan(sichuan, "city", members=1000, grassroots=500)
    assert {t.city.code for t in city} == {"5101"} and len(city) == len(divisions.counties("5101"))
    assert (sum(t.members for t in city), sum(t.grassroots for t in city)) == (1000, 500)
    assert 20_000 < sum(t.grassroots for t in plan(sichuan, "city")) < PROVINCE_GRASSROOTS / 2


def test_every_member_has_one_join_event_at_their_union_on_their_join_date(demo):
    events = MembershipEvent.objects.filter(kind=MembershipChange.JOIN)
    assert events.count() == Member.objects.count()
    mismatched = Member.objects.exclude(
        pk__in=events.filter(org_id=F("member__org_id"), on=F("member__joined_on")).values("member_id"))
    assert not mismatched.exists()


def test_the_demo_workers_hold_a_valid_card_that_verifies(demo):
    for member in Member.objects.filter(user__isnull=False):
        assert member.cards.filter(revoked_at__isnull=True).count() == 1
        assert card_verify(card_token(member=member)).valid
