"""The permission matrix: every console, portal and API route × persona × relation (gonghui.core.testing.matrix).

The world is built once for the module inside a transaction that is rolled back at the end; each case runs
in its own savepoint (pytest-django's `db`), so a write one case makes is gone before the next.
"""
import pytest
from django.db import transaction
from django.test.utils import override_settings

from gonghui.core.testing import matrix

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
    matrix.check(client, matrix_world, case)


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
        matrix.check(client, matrix_world, matrix.Case(_ORG_DETAIL, "county_cadre", "own"))


def test_the_matrix_fails_a_write_that_goes_through_where_it_should_be_refused(matrix_world, db, client,
                                                                               monkeypatch):
    monkeypatch.setattr(matrix, "expectation", lambda case: matrix.DENIED)

    with pytest.raises(AssertionError, match="must be refused"):
        matrix.check(client, matrix_world, matrix.Case(_ORG_UPDATE, "county_cadre", "own"))


def test_the_matrix_finds_foreign_names_in_a_json_list(matrix_world, db, client, monkeypatch):
    monkeypatch.setattr(matrix, "foreign_strings", lambda world, case: ["张伟"])

    with pytest.raises(AssertionError, match="names rows outside the scope"):
        matrix.check(client, matrix_world, matrix.Case(_MEMBER_LIST, "county_cadre", "own"))


def test_the_matrix_finds_plaintext_numbers(matrix_world, db, client, monkeypatch):
    monkeypatch.setattr(matrix, "secret_strings", lambda world: [matrix_world.worker_member.name])

    with pytest.raises(AssertionError, match="plaintext ID or phone numbers"):
        matrix.check(client, matrix_world, matrix.Case(_MEMBER_LIST, "county_cadre", "own"))


def test_a_route_setup_makes_the_row_the_case_acts_on(matrix_world, db, client):
    # A setup that hands the county cadre a sibling's org instead of their own must make the case fail.
    route = matrix.Route(name="console:org-detail", target="org", kwargs=lambda org: {"pk": org.pk},
                         setup=lambda world, org: world.sibling_county)

    with pytest.raises(AssertionError, match="refused where it should be allowed"):
        matrix.check(client, matrix_world, matrix.Case(route, "county_cadre", "own"))
