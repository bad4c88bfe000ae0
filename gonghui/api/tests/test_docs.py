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
    assert set(schema["paths"]) == {"/api/v1/orgs", "/api/v1/orgs/{org_id}", "/api/v1/orgs/{org_id}/children",
                                    "/api/v1/members", "/api/v1/members/{member_id}", "/api/v1/me",
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


def test_no_schema_can_carry_a_plaintext_id_or_phone_number(db):
    schemas = api.get_openapi_schema()["components"]["schemas"]
    for name, schema in schemas.items():
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
