"""The test-wide PII scanner (gonghui.core.testing.pii_scanner) finds what it must and nothing else."""
import io
from datetime import date

import pytest
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory
from django.urls import path
from openpyxl import Workbook

from config import urls as site_urls
from gonghui.core import idnumber
from gonghui.core.testing import pii_scanner

ID = idnumber.make("510104", date(1990, 5, 17), 123)
PHONE = "13800010001"


def _xlsx() -> bytes:
    book = Workbook()
    book.active.append(["张伟", ID])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# The site's own URLs stay (middleware reverses some of them), beside the planted pages.
urlpatterns = site_urls.urlpatterns + [
    path("html/", lambda request: HttpResponse(f"<td>{ID}</td>")),
    path("json/", lambda request: HttpResponse(f'{{"phone": "{PHONE}"}}', content_type="application/json")),
    path("xlsx/", lambda request: HttpResponse(_xlsx(), content_type="application/vnd.ms-excel")),
    # The phone number is split between two chunks.
    path("stream/", lambda request: StreamingHttpResponse(iter(["a,b\n张伟,138000", "10001\n"]))),
    # What the request sent comes back (a search box); the other number was not sent.
    path("echo/", lambda request: HttpResponse(f'<input value="{request.GET.get("q") or request.POST.get("phone")}"> '
                                               f'{"13900000000" if "plant" in request.GET else ""}')),
    path("clean/", lambda request: HttpResponse(f"{ID[:4]}**********{ID[-4:]} 138****0001 "
                                                 f"t=1{PHONE}9 {ID[:17]}0 id-{ID}x")),
]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("url", ["/html/", "/json/", "/xlsx/", "/stream/"])
def test_the_scanner_flags_a_number_planted_in_any_kind_of_response(client, url):
    response = client.get(url)
    if response.streaming:
        assert b"".join(response.streaming_content) == "a,b\n张伟,13800010001\n".encode()

    found = pii_scanner.take_findings()  # taken here, so this test itself does not fail on them

    assert len(found) == 1 and url in found[0], found


@pytest.mark.urls(__name__)
def test_masked_numbers_longer_digit_runs_and_wrong_check_digits_are_not_flagged(client):
    client.get("/clean/")

    assert pii_scanner.take_findings() == []


@pytest.mark.urls(__name__)
def test_a_number_the_request_sent_may_come_back_but_no_other(client):
    client.get("/echo/", {"q": ID})
    assert pii_scanner.take_findings() == []

    client.post("/echo/", {"phone": PHONE})
    assert pii_scanner.take_findings() == []

    client.get("/echo/", {"q": PHONE, "plant": "1"})
    assert pii_scanner.take_findings() == ["GET /echo/ (body): 139…00 (11 chars)"]


def test_a_finding_fails_the_test_that_made_it():
    hook = pii_scanner.pytest_runtest_call(item=None)  # the plugin's wrapper around a test's call
    next(hook)
    pii_scanner.inspect(RequestFactory().get("/planted/"), HttpResponse(f"手机号 {PHONE}"))  # a request's answer

    with pytest.raises(pytest.fail.Exception, match="GET /planted/"):
        hook.send(None)


def test_only_the_audited_unmasking_routes_may_reveal_numbers():
    from gonghui.core.testing import matrix

    unmasking = {route.name for route in matrix.load_routes() if route.unmasks}

    assert pii_scanner.ALLOWED == unmasking


@pytest.mark.urls(__name__)
def test_the_live_server_of_browser_tests_is_scanned_too(live_server):
    from urllib.request import urlopen

    with urlopen(f"{live_server.url}/stream/") as answer:
        answer.read()

    assert pii_scanner.take_findings() == ["GET /stream/ (stream): 138…01 (11 chars)"]
