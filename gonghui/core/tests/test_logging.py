"""Application logs carry no ID or phone number (ASVS 16.2.5): the filter on every handler of settings.LOGGING
masks them in the message, its arguments and a logged traceback, whichever code logged them."""
import io
import logging

import pytest
from django.test import Client

from gonghui.core.logging import MaskPersonalNumbers, mask_text
from gonghui.core.sms import BaseBackend

ID_NUMBER = "360830198501012035"  # valid check digit
PHONE = "13912345678"


@pytest.fixture
def log_output():
    """What the configured console handler writes, the way the server's log file would receive it."""
    [handler] = [h for h in logging.getLogger().handlers
                 if any(isinstance(f, MaskPersonalNumbers) for f in h.filters)]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


class RefusingBackend(BaseBackend):
    """An SMS gateway whose error names the number it refused, as real gateways' errors do."""

    def send(self, message):
        raise RuntimeError(f"gateway refused {message.phone}: quota exceeded")


def test_a_direct_log_call_is_masked_in_its_message_and_arguments(log_output, caplog):
    log = logging.getLogger("gonghui.test")

    log.warning("lookup of %s by %s failed; id=%s", ID_NUMBER, "+86 139-1234-5678", ID_NUMBER.lower())

    written = log_output.getvalue()
    assert "3608**********2035" in written and "+86 139****5678" in written
    assert ID_NUMBER not in written and "1234-5678" not in written
    assert caplog.records[-1].args is None


def test_a_404_whose_path_holds_an_id_number_is_logged_masked(db, log_output, caplog):
    # django.request logs every 404 with the path the client typed.
    response = Client().get(f"/portal/members/{ID_NUMBER}/?phone={PHONE}")

    assert response.status_code == 404
    assert any(r.name == "django.request" for r in caplog.records)
    written = log_output.getvalue()
    assert "Not Found: /portal/members/3608**********2035/" in written
    assert ID_NUMBER not in written


@pytest.mark.django_db(transaction=True)
def test_a_failing_sms_gateway_is_logged_with_its_traceback_masked(settings, log_output):
    # Transactional: the code is sent when the request's transaction commits, inside the request.
    settings.GONGHUI_SMS_BACKEND = f"{__name__}.RefusingBackend"

    response = Client(raise_request_exception=False).post("/portal/login/code/", {"phone": PHONE})

    assert response.status_code == 500
    written = log_output.getvalue()
    assert "Internal Server Error: /portal/login/code/" in written
    assert "RuntimeError: gateway refused 139****5678: quota exceeded" in written
    assert PHONE not in written


def test_numbers_that_are_not_personal_stay_readable():
    invalid_check_digit = "360830198501012036"
    text = f"order {invalid_check_digit} at 1733300000000, job 201401011234567890123, tel 010-12345678"

    assert mask_text(text) == text
