"""The API describes itself: /api/v1/openapi.json lists every route; /api/v1/docs works without internet."""
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import get_resolver

from gonghui.api.urls import api

OPERATIONS = {"org_list", "org_get", "org_children", "org_create", "org_update", "member_list", "member_get", "me",
              "card_verify", "card_public_key"}
# Called by rest stations and merchants without an account: the card's own signature is the credential.
PUBLIC_OPERATIONS = {"card_verify", "card_public_key"}
# One-tap join (一键入会). The join form's notice and employer search, and the bench's ping, need no account.
JOIN_OPERATIONS = {"join_notice", "join_employers", "join_sms_code", "join_apply", "join_my_applications",
                   "join_application_get", "join_queue", "join_approve", "join_reject", "join_withdraw",
                   "join_approve_bulk", "ping"}
JOIN_PATHS = {"/api/v1/join/notice", "/api/v1/join/employers", "/api/v1/join/sms-code", "/api/v1/join/applications",
              "/api/v1/join/applications/mine", "/api/v1/join/applications/{application_id}",
              "/api/v1/join/queue", "/api/v1/join/applications/{application_id}/approve",
              "/api/v1/join/applications/{application_id}/reject",
              "/api/v1/join/applications/{application_id}/withdraw", "/api/v1/join/approve-bulk", "/api/v1/ping"}
OPERATIONS |= JOIN_OPERATIONS
PUBLIC_OPERATIONS |= {"join_notice", "join_employers", "ping"}
# Transfers (转会): the handshake between two unions, and the search for the receiving one (any account).
TRANSFER_OPERATIONS = {"transfer_request", "transfer_list", "transfer_get", "transfer_accept", "transfer_decline",
                       "transfer_cancel", "union_search"}
TRANSFER_PATHS = {"/api/v1/transfers", "/api/v1/transfers/{transfer_id}", "/api/v1/transfers/{transfer_id}/accept",
                  "/api/v1/transfers/{transfer_id}/decline", "/api/v1/transfers/{transfer_id}/cancel",
                  "/api/v1/unions/search"}
OPERATIONS |= TRANSFER_OPERATIONS
# Statistics (统计): the figures of an org's subtree, the same the console's dashboard shows.
STATS_OPERATIONS = {"stats_figure_list", "stats_figures", "stats_flows", "stats_trend", "stats_children"}
STATS_PATHS = {"/api/v1/stats/figures", "/api/v1/stats/orgs/{org_id}/figures", "/api/v1/stats/orgs/{org_id}/flows",
               "/api/v1/stats/orgs/{org_id}/trend", "/api/v1/stats/orgs/{org_id}/children"}
OPERATIONS |= STATS_OPERATIONS
# 查看完整号码: the one operation whose answer carries full numbers, audited (gonghui.members.unmask).
UNMASK_OPERATIONS = {"member_unmask"}
OPERATIONS |= UNMASK_OPERATIONS


def api_url_names() -> set[str]:
    resolver = get_resolver().namespace_dict["api"][1]
    return {p.name for p in resolver.url_patterns if p.name not in ("openapi-json", "openapi-view", "api-root")}


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_the_openapi_document_loads_and_lists_every_route(db, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    operation_ids = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert operation_ids == OPERATIONS == api_url_names()
    assert set(schema["paths"]) - JOIN_PATHS - TRANSFER_PATHS - STATS_PATHS == {"/api/v1/orgs", "/api/v1/orgs/{org_id}", "/api/v1/orgs/{org_id}/children",
                                    "/api/v1/members", "/api/v1/members/{member_id}", "/api/v1/me",
                                    "/api/v1/members/{member_id}/unmask",
                                    "/api/v1/cards/verify", "/api/v1/cards/public-key"}
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            assert op.get("security") or op["operationId"] in PUBLIC_OPERATIONS, \
                f"{method} {path} must require authentication"
            assert "200" in op["responses"] or "201" in op["responses"]


def test_every_reference_in_the_openapi_document_resolves(db, client):
    schema = client.get("/api/v1/openapi.json").json()
    for ref in set(_refs(schema)):
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.rsplit("/", 1)[1] in schema["components"]["schemas"], ref
    assert {"ApiTokenAuth", "SessionAuth"} <= set(schema["components"]["securitySchemes"])


def _answer_schemas(document) -> set[str]:
    """Schemas an answer can hold: referenced from a response, directly or through another schema."""
    schemas = document["components"]["schemas"]
    todo = {ref.rsplit("/", 1)[1] for path in document["paths"].values() for op in path.values()
            for ref in _refs(op["responses"])}
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        seen.add(name)
        todo |= {ref.rsplit("/", 1)[1] for ref in _refs(schemas[name])} - seen
    return seen


def test_no_answer_schema_can_carry_a_plaintext_id_or_phone_number(db):
    # Requests may carry them (a worker types their ID number to join); answers never do, but the audited
    # unmasking answer (UnmaskOut, POST /members/{id}/unmask: a permission, a reason, an audit event).
    document = api.get_openapi_schema()
    schemas = document["components"]["schemas"]
    answers = _answer_schemas(document)
    assert {"MemberOut", "MemberDetailOut", "UnmaskOut"} <= answers
    for name, schema in schemas.items():
        if name not in answers or name == "UnmaskOut":
            continue
        fields = set(schema.get("properties", {}))
        assert not fields & {"id_number", "phone", "id_number_enc", "phone_enc", "id_number_hash", "phone_hash"}, name


def test_the_docs_page_loads_nothing_from_another_host(db, client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"(https?:)?//[\w.-]+", html), re.search(r"(https?:)?//[\w.-]+", html)
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, "the page loads its script and stylesheet"
    for source in sources:
        assert source.startswith("/static/"), source
        assert finders.find(source.removeprefix("/static/")), f"{source} is not a vendored static file"


def test_the_docs_page_turns_off_the_online_validator(db, client):
    html = client.get("/api/v1/docs").content.decode()
    assert '"validatorUrl": null' in html


@pytest.mark.parametrize("method, url, status", [
    ("get", "/api/v1/no-such-thing", 404),
    ("get", "/api/v1/orgs/not-a-number", 404),
    ("get", "/api/v1/orgs/99999999999999999999999999", 404),
    ("delete", "/api/v1/orgs", 405),
    ("put", "/api/v1/orgs/1", 405),
    ("post", "/api/v1/me", 405),
])
def test_unknown_paths_and_methods_answer_404_or_405_not_500(world, api_as, method, url, status):
    caller = api_as(world.province_cadre)
    response = getattr(caller.client, method)(url, **caller.headers)
    assert response.status_code == status
