"""The same Idempotency-Key from twenty threads at once through the HTTP stack: one application, never two runs."""
import json
import threading

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client

from gonghui.accounts.services import api_token_create
from gonghui.core.models import IdempotencyRecord
from gonghui.joining.models import JoinApplication
from gonghui.joining.tests.support import apply_payload

pytestmark = [
    pytest.mark.skipif("postgresql" not in settings.DATABASES["default"]["ENGINE"],
                       reason="concurrency needs PostgreSQL: SQLite runs one writer at a time"),
    pytest.mark.django_db(transaction=True),
]

THREADS = 20


def test_twenty_concurrent_retries_with_one_key_make_one_application(world, settings):
    # Rate limits count every call, replays included (ninja's throttle runs before the key is looked up); this
    # test is about the key, so the caller's join budget is set above the twenty calls.
    settings.GONGHUI_RATE_LIMITS = {**settings.GONGHUI_RATE_LIMITS, "join_user": "100/h", "join_ip": "100/m"}
    token = api_token_create(user=world.worker, name="并发", actor=None)[1]
    body = json.dumps(apply_payload(world, world.county))
    barrier = threading.Barrier(THREADS)
    answers: list = [None] * THREADS

    def send(i):
        try:
            client = Client()
            barrier.wait()
            response = client.post("/api/v1/join/applications", body, content_type="application/json",
                                   HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_IDEMPOTENCY_KEY="tap-once")
            answers[i] = (response.status_code, response.get("Idempotent-Replayed"), response.content)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    executed = [a for a in answers if a[0] == 201 and a[1] is None]
    replayed = [a for a in answers if a[1] == "true"]
    busy = [a for a in answers if a[0] == 409]
    assert len(executed) == 1, answers
    assert len(executed) + len(replayed) + len(busy) == THREADS, answers
    assert all(a[2] == executed[0][2] for a in replayed)
    assert JoinApplication.objects.count() == 1
    assert IdempotencyRecord.objects.get(key="tap-once").status_code == 201
