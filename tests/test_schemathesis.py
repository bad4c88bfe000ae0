"""Schemathesis against /api/v1/openapi.json: every operation, as a cadre, as a worker and anonymous.

Each operation gets generated requests (valid and invalid bodies, queries and paths), sent in process to the
real WSGI application, and every answer is checked by schemathesis' default checks: no server error, status
code, content type, headers and body as the schema declares them, invalid data refused, and an operation that
declares authentication refuses a request without it (401/403, `ignored_auth`).

The world (the personas of gonghui.core.testing.personas, with tokens) is built once for the module in a
transaction rolled back at the end; writes that generated requests make stay inside it. Bounded for CI: a
fixed number of examples per operation, derandomized (the same requests on every run), no deadline.
"""
import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import positive_data_acceptance

from gonghui.accounts.services import api_token_create

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 10
# Callers by name: a token for each persona kind the API serves, and nobody.
CALLERS = ("county_cadre", "worker", "anonymous")
SENT = {"requests": 0}


class CountingApp:
    """The Django WSGI application, counting every request schemathesis sends (its own probes included)."""

    def __init__(self):
        self.handler = WSGIHandler()

    def __call__(self, environ, start_response):
        SENT["requests"] += 1
        return self.handler(environ, start_response)


@pytest.fixture(scope="module")
def api_world(django_db_setup, django_db_blocker):
    from gonghui.core.testing.personas import build_world

    # A real request ends by closing "old" connections: in the module's transaction that would drop it.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            world = build_world()
            world.tokens = {name: api_token_create(user=world.users[name], name="schemathesis", actor=None)[1]
                            for name in CALLERS if name != "anonymous"}
            yield world
            transaction.set_rollback(True)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    print(f"\nschemathesis: {SENT['requests']} requests")


# Loaded through the application itself, as a client would (the schema holds no data: no database needed).
# The cadre's run adds schemathesis' coverage phase (boundary values, every missing or malformed parameter and
# unexpected methods, decided by the schema alone); the worker's and the anonymous caller's runs, which reach
# the same validation, keep to generated examples, to stay within the CI budget.
APP = CountingApp()
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP)
light_schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", APP, config=SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}}))


SETTINGS = settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))


# A schema-valid request may still break a rule no schema can state (an ID number's check digit, an SMS code
# that was never sent, a member already in transfer): the API answers 422 with the reason in Chinese, rightly.
EXCLUDED = [positive_data_acceptance]


def call_and_check(case, caller: str, world):
    headers = {"Authorization": f"Bearer {world.tokens[caller]}"} if caller != "anonymous" else {}
    response = case.call_and_validate(headers=headers, excluded_checks=EXCLUDED)
    declares_auth = bool(case.operation.definition.raw.get("security"))
    # (A path value the route cannot match, `/orgs/-1`, reaches no operation: 404 before anyone is asked.)
    reaches_operation = case.method.upper() == case.operation.method.upper() and not (
        case.meta is not None and case.meta.is_negative_at(ParameterLocation.PATH))
    if caller == "anonymous" and declares_auth and reaches_operation:
        # Auth runs before the body or query is read: no anonymous request reaches an operation that needs it.
        assert response.status_code in (401, 403), (case.operation.label, response.status_code)
    return response


@schema.parametrize()
@SETTINGS
def test_every_operation_as_a_cadre(case, api_world, db):
    call_and_check(case, "county_cadre", api_world)


@light_schema.parametrize()
@SETTINGS
def test_every_operation_as_a_worker(case, api_world, db):
    call_and_check(case, "worker", api_world)


@light_schema.parametrize()
@SETTINGS
def test_every_operation_anonymous(case, api_world, db):
    call_and_check(case, "anonymous", api_world)
