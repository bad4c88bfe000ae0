"""The administrator duty (三员) behind a bearer token is read with the token (accounts.selectors._DUTY): a
duty holder is still refused, by the same rule as `User.duty`, and a worker's call reads no roles."""
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.accounts.models import User
from gonghui.accounts.services import api_token_create, role_grant
from gonghui.orgs.choices import OrgStatus
from gonghui.orgs.models import Org

MINE = "/api/v1/join/applications/mine"


def _get(client, token):
    return client.get(MINE, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_duty_holders_token_is_refused_unless_the_duty_sits_on_a_closed_union(world, client):
    admin = User.objects.get(pk=world.stranger.pk)
    role_grant(user=admin, org=world.county, kind="secadmin", actor=None)
    token = api_token_create(user=admin, name="脚本", actor=None)[1]

    assert _get(client, token).status_code == 401
    # User.duty counts roles on active unions only; so does the token's read.
    Org.objects.filter(pk=world.county.pk).update(status=OrgStatus.CLOSED)
    assert not User.objects.get(pk=admin.pk).duty
    assert _get(client, token).status_code == 200


def test_a_workers_call_reads_the_token_and_user_in_one_query_and_no_roles(world, client):
    token = api_token_create(user=world.worker, name="手机", actor=None)[1]
    _get(client, token)  # the token's last use is written on its first call, once a minute

    with CaptureQueriesContext(connection) as queries:
        assert _get(client, token).status_code == 200

    statements = [q["sql"] for q in queries.captured_queries]
    assert not [sql for sql in statements if sql.startswith('SELECT "accounts_role".')]
    assert sum(sql.startswith('SELECT "accounts_apitoken".') for sql in statements) == 1
