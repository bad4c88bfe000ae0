"""Calling the API as a persona: `api_as(world.county_cadre).get("/api/v1/orgs")` with a fresh bearer token."""
import json

import pytest
from django.test import Client

from gonghui.accounts.services import api_token_create


class ApiCaller:
    def __init__(self, client: Client, token: str | None):
        self.client = client
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def get(self, url: str, params: dict | None = None):
        return self.client.get(url, params or {}, **self.headers)

    def post(self, url: str, data: dict):
        return self.client.post(url, json.dumps(data), content_type="application/json", **self.headers)

    def patch(self, url: str, data: dict):
        return self.client.patch(url, json.dumps(data), content_type="application/json", **self.headers)


@pytest.fixture
def api_as():
    def make(user) -> ApiCaller:
        token = api_token_create(user=user, name="测试", actor=None)[1] if user is not None else None
        return ApiCaller(Client(), token)

    return make
