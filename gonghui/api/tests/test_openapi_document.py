"""The OpenAPI document is one a strict reader accepts: no key repeated in any object. Swagger UI (/api/v1/docs)
parses it as YAML, which refuses a repeated key; Python's json module keeps the last one silently, so the
document looked fine to every test while the docs page showed "Unable to render this definition"."""
import json

import pytest

pytestmark = pytest.mark.django_db


def _refuse_repeats(pairs):
    keys = [key for key, _value in pairs]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    assert repeated == [], f"repeated keys {repeated} in an object of the OpenAPI document"
    return dict(pairs)


def test_no_object_of_the_openapi_document_repeats_a_key(client):
    answer = client.get("/api/v1/openapi.json")

    document = json.loads(answer.content, object_pairs_hook=_refuse_repeats)

    member_get = document["paths"]["/api/v1/members/{member_id}"]["get"]["responses"]
    assert {"200", "401", "404", "429", "503"} <= set(member_get)  # the common answers are still declared


def test_the_docs_page_names_the_platform_icon(client):
    # without it the browser asks for /favicon.ico and logs the 404 as an error on the docs page
    assert '<link rel="icon" href="/static/img/favicon.svg"' in client.get("/api/v1/docs").content.decode()
