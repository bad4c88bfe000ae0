"""The database connection lost in the middle of an API write: nothing half-saved, and a retry converges.

Every write operation of /api/v1/openapi.json (POST, PUT, PATCH, DELETE) gets a scenario below that makes a
fresh, valid call of it as a persona who may make it. For each operation a first call without faults measures
its effect (which tables change, by how many rows) and the number of SQL statements it runs; then trials kill
the connection at the k-th statement of the request, k cycling over those statements, TRIALS in all. Each
trial then checks that:

* the killed request answered a server error (503 with a Chinese message from gonghui.api.errors) or, when
  the kill came after the commit, the operation's own answer;
* every gonghui table (core.testing.state.fingerprint) either did not change at all or changed exactly as the
  whole effect does: no partial write;
* a retry with the same Idempotency-Key answers as the fault-free call did, and leaves exactly one effect.

How the connection is lost:
* PostgreSQL: for real. A `connection.execute_wrapper` calls `pg_terminate_backend` on the request's backend
  from a second connection, waits for the backend to be gone, and lets the statement run into the dead
  connection (psycopg raises OperationalError, Django's atomic block cannot roll back and drops the connection).
* SQLite has no server to kill: the wrapper runs a failing statement in place of the k-th one, so the
  request meets an OperationalError from the database exactly there. The connection
  itself stays usable, so this checks the transaction boundaries and the idempotency bookkeeping, not
  reconnecting.

Transactional (`django_db(transaction=True)`): every write really commits, so a kill cannot hide in a test
transaction.
"""
import json
import time
from dataclasses import dataclass
from datetime import date
from itertools import count

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from gonghui.api.urls import api
from gonghui.core.testing import matrix
from gonghui.core.testing.state import changed_tables, fingerprint

pytestmark = pytest.mark.django_db(transaction=True)

TRIALS = 100
WRITE_METHODS = ("post", "put", "patch", "delete")
_serial = count(1)


# --- scenarios: one fresh, valid call per write operation ------------------------------------------------------


@dataclass
class Call:
    persona: str | None  # None: anonymous (a public operation)
    kwargs: dict
    body: dict


def _fresh_member(world, org_key: str):
    from gonghui.joining.tests.support import fresh_person
    from gonghui.members.services import member_register

    phone, id_number = fresh_person()
    return member_register(org=world.orgs[org_key], name="故障测试", id_number=id_number, phone=phone,
                           joined_on=date(2020, 1, 1), actor=None)


def _transfer(world, member_org: str, to_org: str, requester: str):
    from gonghui.joining.services.transfers import transfer_request

    return transfer_request(member=_fresh_member(world, member_org), to_org=world.orgs[to_org],
                            actor=world.users[requester], reason="故障测试")


def _application(world, applicant=None):
    from gonghui.joining.tests.support import make_application

    extra = {"applicant": applicant} if applicant is not None else {}
    return make_application(world, world.county, **extra)


def _org_create(world):
    n = next(_serial)
    return Call("county_cadre", {}, {"parent": world.county.pk, "name": f"故障测试工会{n}", "kind": "grassroots",
                                     "level": "grassroots", "code": f"FAULT-{n}"})


def _join_apply(world):
    from gonghui.joining.tests.support import apply_payload

    return Call("worker", {}, apply_payload(world, world.grassroots))


def _card_verify(world):
    from gonghui.members.card import card_token

    return Call(None, {}, {"token": card_token(member=world.worker_member)})


def _unmask(world):
    return Call("county_cadre", {"member_id": world.worker_member.pk}, {"reason": "核对会员身份（故障测试）"})


SCENARIOS = {
    "org_create": _org_create,
    "org_update": lambda w: Call("county_cadre", {"org_id": w.grassroots.pk}, {"chair_name": f"故障{next(_serial)}"}),
    "member_unmask": _unmask,
    "card_verify": _card_verify,
    "join_sms_code": lambda w: Call("worker", {}, {"phone": f"1390000{next(_serial):04d}"}),
    "join_apply": _join_apply,
    "join_withdraw": lambda w: Call("worker", {"application_id": _application(w, applicant=w.worker).pk}, {}),
    "join_approve": lambda w: Call("county_cadre", {"application_id": _application(w).pk}, {}),
    "join_reject": lambda w: Call("county_cadre", {"application_id": _application(w).pk}, {"reason": "故障测试"}),
    "join_approve_bulk": lambda w: Call("county_cadre", {}, {"ids": [_application(w).pk]}),
    "transfer_request": lambda w: Call("county_cadre", {}, {"member": _fresh_member(w, "grassroots").pk,
                                                           "to_org": w.sibling_grassroots.pk, "reason": "故障测试"}),
    "transfer_accept": lambda w: Call("county_cadre", {"transfer_id": _transfer(
        w, "sibling_grassroots", "grassroots", "other_county_cadre").pk}, {}),
    "transfer_decline": lambda w: Call("county_cadre", {"transfer_id": _transfer(
        w, "sibling_grassroots", "grassroots", "other_county_cadre").pk}, {"reason": "故障测试"}),
    "transfer_cancel": lambda w: Call("county_cadre", {"transfer_id": _transfer(
        w, "grassroots", "sibling_grassroots", "grassroots_cadre").pk}, {}),
}


def write_operations() -> dict[str, str]:
    """operationId → HTTP method of every write operation in the published schema."""
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return {op["operationId"]: method.upper() for ops in schema["paths"].values()
            for method, op in ops.items() if method in WRITE_METHODS}


# --- the fault ---------------------------------------------------------------------------------------------------


class Killer:
    """Loses the connection just before the request's `at`-th SQL statement (see the module docstring)."""

    def __init__(self, at: int | None, assassin=None):
        self.at, self.assassin = at, assassin
        self.statements = 0
        self.fired = False

    def __call__(self, execute, sql, params, many, context):
        self.statements += 1
        if self.statements == self.at and not self.fired:
            self.fired = True
            if self.assassin is None:
                # The statement fails in the database itself, so every wrapper inside this one sees the error.
                return execute("SELECT * FROM injected_fault_connection_lost", None, False, context)
            self.assassin.kill(context["connection"].connection.info.backend_pid)
        return execute(sql, params, many, context)


class Assassin:
    """A second PostgreSQL connection that terminates the request's backend and waits until it is gone."""

    def __init__(self):
        import psycopg

        s = connection.settings_dict
        self.conn = psycopg.connect(dbname=s["NAME"], user=s["USER"], password=s["PASSWORD"] or None,
                                    host=s["HOST"] or None, port=s["PORT"] or None, autocommit=True)

    def kill(self, pid: int) -> None:
        self.conn.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(200):
            if self.conn.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone() is None:
                return
            time.sleep(0.005)
        raise AssertionError(f"backend {pid} still alive after pg_terminate_backend")

    def close(self):
        self.conn.close()


def send(client: Client, world, name: str, method: str, call: Call, key: str, killer: Killer):
    headers = {"HTTP_IDEMPOTENCY_KEY": key}
    if call.persona is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {world.tokens[call.persona]}"
    url = reverse(f"api:{name}", kwargs=call.kwargs or None)
    with connection.execute_wrapper(killer):
        response = client.generic(method, url, json.dumps(call.body), content_type="application/json", **headers)
    # What the end of a real request does (close_old_connections), which the test client leaves out.
    if connection.connection is not None and not connection.is_usable():
        connection.close()
    return response


def effect(before: dict, after: dict) -> dict[str, int]:
    """The shape of a change: each changed table with its change in row count."""
    return {label: after.get(label, (0,))[0] - before.get(label, (0,))[0]
            for label in set(before) | set(after) if before.get(label) != after.get(label)}


# --- the test ----------------------------------------------------------------------------------------------------


def test_every_api_write_operation_has_a_fault_scenario():
    assert sorted(set(write_operations()) - set(SCENARIOS)) == [], "add a scenario to tests/test_faults.py"
    assert sorted(set(SCENARIOS) - set(write_operations())) == []


def test_a_connection_lost_mid_request_leaves_nothing_half_saved_and_a_retry_converges(client, settings):
    # Rate limits are tests of their own; here every call must reach the database.
    settings.GONGHUI_RATE_LIMITS = {name: "0" for name in settings.GONGHUI_RATE_LIMITS}
    world = matrix.build_matrix_world()
    client.raise_request_exception = False
    assassin = Assassin() if connection.vendor == "postgresql" else None
    operations = write_operations()
    names = sorted(operations)
    try:
        # The fault-free effect and statement count of each operation, from its second call: a first call may
        # also make a row once for good (the current privacy notice).
        reference = {}
        for name in names * 2:
            call = SCENARIOS[name](world)
            before = fingerprint()
            killer = Killer(at=None)
            response = send(client, world, name, operations[name], call, f"ref-{name}-{next(_serial)}", killer)
            assert response.status_code < 300, (name, response.status_code, response.content.decode())
            reference[name] = (response.status_code, effect(before, fingerprint()), killer.statements)

        outcomes = {"nothing": 0, "whole": 0}
        for trial in range(TRIALS):
            name = names[trial % len(names)]
            status, whole, statements = reference[name]
            # The j-th trial of an operation: spread from its first statement to its last (the store of the
            # idempotent answer after the commit included).
            j, per_operation = trial // len(names), TRIALS // len(names)
            at = 1 + min((j * (statements - 1)) // max(per_operation - 1, 1), statements - 1)
            call = SCENARIOS[name](world)
            key = f"fault-{trial}"
            before = fingerprint()
            killer = Killer(at=at, assassin=assassin)
            killed = send(client, world, name, operations[name], call, key, killer)
            middle = fingerprint()
            label = f"trial {trial}: {name}, connection lost before statement {at} of {statements}"

            assert killer.fired, label
            assert killed.status_code >= 500 or killed.status_code == status, (label, killed.content.decode())
            if killed.status_code == 503:
                assert "请稍后重试" in killed.json()["detail"], label
            seen = effect(before, middle)
            assert seen in ({}, whole), f"{label}: partial write {changed_tables(before, middle)}"
            outcomes["nothing" if seen == {} else "whole"] += 1

            retried = send(client, world, name, operations[name], call, key, Killer(at=None))
            assert retried.status_code == status, (label, retried.status_code, retried.content.decode())
            assert effect(before, fingerprint()) == whole, f"{label}: the retry did not converge to one effect"
        print(f"\nfault trials: {TRIALS} over {len(names)} write operations; {outcomes}")
        # Both sides of the commit were hit: kills before it (nothing saved) and after it (the answer's store).
        assert outcomes["nothing"] and outcomes["whole"], outcomes
    finally:
        if assassin is not None:
            assassin.close()
