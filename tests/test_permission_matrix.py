"""The permission matrix: every console, portal and API route × persona × relation (gonghui.core.testing.matrix).

The world is built once for the module inside a transaction that is rolled back at the end; each case runs
in its own savepoint (pytest-django's `db`), so a write one case makes is gone before the next.
"""
import pytest
from django.db import transaction
from django.test.utils import override_settings

from gonghui.core.testing import matrix, matrix_roles, matrix_run

ROUTES = matrix.load_routes()
CASES = matrix.cases(ROUTES)


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker):
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                             GONGHUI_SMS_BACKEND="gonghui.core.sms.LocmemBackend")
    with django_db_blocker.unblock(), fast, transaction.atomic():
        yield matrix.build_matrix_world()
        transaction.set_rollback(True)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_route_scoping(case, matrix_world, db, client):
    matrix_run.check(client, matrix_world, case)


def test_every_console_portal_and_api_route_is_in_the_matrix():
    missing = matrix.missing_routes(ROUTES)

    assert not missing, f"add these URL names to their app's tests/matrix_routes.py ROUTES: {missing}"


def test_every_matrix_route_still_exists():
    assert matrix.unknown_routes(ROUTES) == []


def test_every_case_has_an_expectation_and_a_unique_id():
    ids = [case.id for case in CASES]

    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert {matrix.expectation(case) for case in CASES} <= {matrix.OK, matrix.HIDDEN, matrix.DENIED, matrix.ANY}


# --- the matrix checks what it claims to (each would pass silently if the framework were broken) -----

_ORG_DETAIL = matrix.Route(name="console:org-detail", target="org", kwargs=lambda org: {"pk": org.pk})
_MEMBER_LIST = matrix.Route(name="api:member_list", target="list", list_key="member")
_ORG_UPDATE = matrix.Route(name="api:org_update", method="PATCH", target="org", kwargs=lambda org: {"org_id": org.pk},
                           data=lambda world, org: {"chair_name": "矩阵自检"})


def test_the_foreign_rows_of_a_county_cadre(matrix_world):
    foreign = matrix.foreign_strings(matrix_world, matrix.Case(_MEMBER_LIST, "county_cadre", "own"))

    assert {"江西省总工会", "青羊区总工会", "绵阳市总工会", "成都市机关工会", "李娜", "王芳", "刘洋"} <= set(foreign)
    assert matrix_world.other_member.id_number_masked in foreign
    assert not {"四川省总工会", "成都市总工会", "锦江区总工会", "锦江区某科技公司工会", "张伟", "赵敏"} & set(foreign)


def test_the_targets_of_each_relation_sit_where_their_name_says(matrix_world):
    w = matrix_world
    for persona, relations in matrix.MEMBER_TARGETS.items():
        home = w.orgs[matrix.HOME_ORG[persona]]
        for relation, key in relations.items():
            if key is None:
                continue
            inside = w.members[key].org.path.startswith(home.path)
            assert inside == (relation == "own"), (persona, relation, key)


def test_the_matrix_fails_a_scoped_page_that_answers_where_it_should_not(matrix_world, db, client, monkeypatch):
    monkeypatch.setattr(matrix, "expectation", lambda case: matrix.HIDDEN)

    with pytest.raises(AssertionError, match="out of scope must answer like a missing row"):
        matrix_run.check(client, matrix_world, matrix.Case(_ORG_DETAIL, "county_cadre", "own"))


def test_the_matrix_fails_a_write_that_goes_through_where_it_should_be_refused(matrix_world, db, client,
                                                                               monkeypatch):
    monkeypatch.setattr(matrix, "expectation", lambda case: matrix.DENIED)

    with pytest.raises(AssertionError, match="must be refused"):
        matrix_run.check(client, matrix_world, matrix.Case(_ORG_UPDATE, "county_cadre", "own"))


def test_the_matrix_finds_foreign_names_in_a_json_list(matrix_world, db, client, monkeypatch):
    monkeypatch.setattr(matrix, "foreign_strings", lambda world, case: ["张伟"])

    with pytest.raises(AssertionError, match="names rows outside the scope"):
        matrix_run.check(client, matrix_world, matrix.Case(_MEMBER_LIST, "county_cadre", "own"))


def test_the_matrix_finds_plaintext_numbers(matrix_world, db, client, monkeypatch):
    monkeypatch.setattr(matrix, "secret_strings", lambda world: [matrix_world.worker_member.name])

    with pytest.raises(AssertionError, match="plaintext ID or phone numbers"):
        matrix_run.check(client, matrix_world, matrix.Case(_MEMBER_LIST, "county_cadre", "own"))


def test_a_route_setup_makes_the_row_the_case_acts_on(matrix_world, db, client):
    # A setup that hands the county cadre a sibling's org instead of their own must make the case fail.
    route = matrix.Route(name="console:org-detail", target="org", kwargs=lambda org: {"pk": org.pk},
                         setup=lambda world, org: world.sibling_county)

    with pytest.raises(AssertionError, match="refused where it should be allowed"):
        matrix_run.check(client, matrix_world, matrix.Case(route, "county_cadre", "own"))


# --- the cross-scope cases generated from the role kinds (gonghui.core.testing.matrix_roles) -----------------

_MEMBER_GET = matrix.Route(name="api:member_get", target="member", kwargs=lambda member: {"member_id": member.pk})


def test_every_role_kind_meets_every_route_outside_its_subtree():
    from gonghui.accounts.choices import RoleKind

    held = {kind for kind, _home in matrix_roles.BASE_ROLES.values()} | set(matrix.ROLE_PERSONAS.values())
    assert held == set(RoleKind)
    for index, route in enumerate(ROUTES):
        if route.builtin or route.public or route.target not in ("org", "member", "transfer"):
            continue
        for members in matrix_roles.CLASSES:
            met = {rel for persona, rel in matrix_roles.role_cases(index, route.target) if persona in members}
            assert set(matrix.CROSS_RELATIONS) <= met, (route.label, members)
        if route.target in ("org", "member"):
            for persona in ("county_cadre", "grassroots_cadre", "worker"):
                assert any(c.route is route and c.persona == persona and c.relation == "other_province"
                           for c in CASES), (route.label, persona)


def test_the_base_personas_hold_the_roles_the_generator_counts_on(matrix_world):
    for persona, (kind, home) in matrix_roles.BASE_ROLES.items():
        roles = {(role.kind, role.org_id) for role in matrix_world.users[persona].roles.all()}
        assert roles == {(kind, matrix_world.orgs[home].pk)}, persona


def test_the_other_province_targets_sit_in_the_other_province(matrix_world):
    w = matrix_world
    for persona in (*matrix.PERSONAS, *matrix.ROLE_PERSONAS):
        org_key = matrix.ORG_TARGETS[persona]["other_province"]
        member_key = matrix.MEMBER_TARGETS[persona]["other_province"]
        paths = [w.orgs[org_key].path] if org_key else []
        paths += [w.members[member_key].org.path] if member_key else []
        assert all(path.startswith(w.other_province.path) for path in paths), (persona, paths)


def test_a_role_that_sees_no_member_counts_every_member_as_foreign(matrix_world):
    duty = sorted(matrix.DUTY_PERSONAS)[0]
    foreign = matrix.foreign_strings(matrix_world, matrix.Case(_MEMBER_LIST, duty, "own"))

    assert {"张伟", "赵敏", "李娜"} <= set(foreign)


def test_the_matrix_fails_a_duty_that_reads_a_member_of_its_own_subtree(matrix_world, db, client, monkeypatch):
    duty = sorted(matrix.DUTY_PERSONAS)[0]
    case = matrix.Case(_MEMBER_GET, duty, "own")
    matrix_run.check(client, matrix_world, case)  # refused: passes
    monkeypatch.setitem(matrix_world.tokens, duty, matrix_world.tokens["county_cadre"])

    with pytest.raises(AssertionError, match="must be refused"):
        matrix_run.check(client, matrix_world, case)
