"""The permission matrix's transfer target checks what it claims (gonghui.core.testing.matrix, target="transfer").

Each of these would pass silently if the framework were broken: the transfers sit where their relation's name
says, and a route that lets the wrong half act, or a list that shows another scope's transfer, fails.
"""
import pytest
from django.db import transaction
from django.test.utils import override_settings

from gonghui.core.testing import matrix, matrix_run
from gonghui.joining.choices import TransferSide
from gonghui.joining.models import Transfer

_ACCEPT = matrix.Route(name="api:transfer_accept", method="POST", target="transfer", acting=("receiving",),
                       kwargs=lambda transfer: {"transfer_id": transfer.pk})
_LIST = matrix.Route(name="api:transfer_list", method="GET", target="list", list_key="transfer")


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker):
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                             GONGHUI_SMS_BACKEND="gonghui.core.sms.LocmemBackend")
    with django_db_blocker.unblock(), fast, transaction.atomic():
        yield matrix.build_matrix_world()
        transaction.set_rollback(True)


def _inside(org, home) -> bool:
    return org.path.startswith(home.path)


def test_each_transfer_relation_sits_where_its_name_says(matrix_world, db):
    w = matrix_world
    for persona, relations in matrix.TRANSFER_TARGETS.items():
        home = w.orgs[matrix.HOME_ORG[persona]]
        for relation, spec in relations.items():
            if spec is None:
                continue
            with transaction.atomic():
                transfer = matrix.make_transfer(w, *spec)
                if persona == "worker":  # a worker has no scope: only whether the transfer is their own counts
                    assert (transfer.member_id == w.worker_member.pk) == (relation == "own"), relation
                else:
                    halves = (_inside(transfer.from_org, home), _inside(transfer.to_org, home))
                    # A generated role persona's (matrix_roles) "own" transfer leaves from inside its subtree.
                    assert halves == {"incoming": (False, True), "outgoing": (True, False), "own": (True, False)}.get(
                        relation, (False, False)), (persona, relation)
                if relation == "outgoing":  # a sending cadre may cancel what its side asked
                    assert transfer.side == TransferSide.SENDING
                if persona == "worker" and relation == "own":
                    assert transfer.side == TransferSide.MEMBER
                transaction.set_rollback(True)


def test_the_list_transfers_go_every_way_and_include_a_closed_one(matrix_world, db):
    with transaction.atomic():
        made = matrix.make_list_transfers(matrix_world)
        assert len(made) == len(matrix.LIST_TRANSFERS)
        assert {t.status for t in made} == {"requested", "declined"}
        seen = {p: matrix.transfers_seen_by(matrix_world, p, made) for p in matrix.PERSONAS}
        assert 0 < len(seen["worker"]) < len(seen["grassroots_cadre"]) < len(seen["county_cadre"]) < len(made) + 1
        transaction.set_rollback(True)


def test_the_matrix_fails_a_route_that_lets_the_sending_side_accept(matrix_world, db, client, monkeypatch):
    # Were the service to let any cadre who sees a transfer accept it, the outgoing case must fail.
    monkeypatch.setattr("gonghui.joining.services.transfers.can_decide_transfer", lambda actor, transfer: True)

    with pytest.raises(AssertionError, match="out of scope must answer like a missing row"):
        matrix_run.check(client, matrix_world, matrix.Case(_ACCEPT, "county_cadre", "outgoing"))


def test_the_matrix_fails_a_declaration_that_the_sending_side_may_accept(matrix_world, db, client):
    route = matrix.Route(name="api:transfer_accept", method="POST", target="transfer",
                         acting=("receiving", "sending"), kwargs=lambda transfer: {"transfer_id": transfer.pk})

    with pytest.raises(AssertionError, match="refused where it should be allowed"):
        matrix_run.check(client, matrix_world, matrix.Case(route, "county_cadre", "outgoing"))


def test_the_matrix_fails_a_transfer_list_that_shows_another_scopes_transfer(matrix_world, db, client,
                                                                           monkeypatch):
    from gonghui.api.routers import transfers as router

    monkeypatch.setitem(router.DIRECTIONS, "", lambda actor, status: Transfer.objects.order_by("pk"))

    with pytest.raises(AssertionError, match="names rows outside the scope"):
        matrix_run.check(client, matrix_world, matrix.Case(_LIST, "county_cadre", "own"))


def test_a_transfer_route_with_an_unknown_half_is_refused():
    with pytest.raises(ValueError, match="acting"):
        matrix.Route(name="api:transfer_accept", method="POST", target="transfer", acting=("receiver",))
