"""A pytest plugin that reads every response of the whole suite for plaintext ID and mobile numbers.

Registered in the root conftest.py. It wraps `BaseHandler.get_response`, the one function every request
passes through, whether it comes from the test client, the API client or the live server a browser test
drives, so nothing answered over HTTP escapes it. It reads the body (HTML, JSON, CSV, text) and, for an
.xlsx, the XML inside the zip (shared strings and sheets); a streaming response is read chunk by chunk as
the test (or the browser) consumes it, without holding or changing the chunks.

A finding fails the test that made the request, after it has run (a failure raised inside the handler would
turn into a 500 the test might even expect). Only the routes in ALLOWED may answer with full numbers: each
reveals them on purpose and writes an audit event (ARCHITECTURE.md rule 5). A number the request itself
sent (a search box, a sign-in form kept across its steps) may come back: see `sent_numbers`.
"""
import io
import re
import threading
import zipfile

import pytest
from django.http.multipartparser import MultiPartParserError

# URL names whose answer may carry full numbers, each audited by design. Keep this list small and explicit:
# tests/test_pii_scanner.py checks it against the permission matrix's `unmasks=True` routes.
ALLOWED = frozenset({
    "console:member-unmask",  # 查看完整号码: a permission plus a stated reason, one audit event
    "api:member_unmask",  # the same through the API
    "console:roster-job-refused",  # refused rows as the uploader sent them, to be fixed; audited download
})

# 18 characters: 17 digits and a digit or X. Not part of a longer run of digits or letters (a token, a hash).
_ID = re.compile(rb"(?<![0-9A-Za-z])([1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx])"
                 rb"(?![0-9A-Za-z])")
# A mainland mobile number: 1, then 3–9, then 9 digits; a longer run of digits is something else.
_PHONE = re.compile(rb"(?<![0-9A-Za-z])(1[3-9]\d{9})(?![0-9A-Za-z])")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = b"10X98765432"
# A number split across two chunks of a stream is still found: each chunk is read with this much of the last.
_OVERLAP = 24

_lock = threading.Lock()
_findings: list[str] = []


def _valid_id(value: bytes) -> bool:
    # ISO 7064 MOD 11-2 (GB 11643-1999), as gonghui.core.idnumber.check_digit
    total = sum((d - 48) * w for d, w in zip(value[:17], _WEIGHTS))
    return _CHECK[total % 11] == value[17:18].upper()[0]


def numbers(data: bytes) -> set[bytes]:
    """Plaintext ID numbers (valid check digit) and mobile numbers in `data`."""
    found = {m.group(1).upper() for m in _ID.finditer(data) if _valid_id(m.group(1))}
    return found | {m.group(1) for m in _PHONE.finditer(data)}


def find_numbers(data: bytes, sent: frozenset = frozenset()) -> list[str]:
    """The numbers in `data` the request did not send itself, masked for the report."""
    return sorted({f"{v[:3].decode()}…{v[-2:].decode()} ({len(v)} chars)" for v in numbers(data) - sent})


def sent_numbers(request) -> frozenset:
    """The numbers the request itself carried (its query, form or JSON body).

    Repeating them reveals nothing the caller did not have: the portal's sign-in form keeps the phone number
    the person typed for the code step, a search box keeps the ID number typed into it. Such a page is still
    never cached (core.middleware.NoStoreMiddleware). A number the request did not carry is always a finding.
    """
    parts = [request.META.get("QUERY_STRING", "").encode()]
    try:
        parts.append(bytes(request.body))
    except Exception:  # noqa: BLE001 - a multipart body already read as request.POST
        pass
    try:
        form = request.POST
    except MultiPartParserError:  # a malformed multipart body (schemathesis sends one): the view refuses it too
        form = {}
    parts += [value.encode() for key in form for value in form.getlist(key)]
    return frozenset(numbers(b"\n".join(parts)))


def _texts(content: bytes) -> list[bytes]:
    """The bytes to search: the body and, for an .xlsx (a zip), every XML part inside it."""
    texts = [content]
    if content[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as book:
                texts += [book.read(name) for name in book.namelist() if name.endswith(".xml")]
        except zipfile.BadZipFile:
            pass
    return texts


def scan(content: bytes, sent: frozenset = frozenset()) -> list[str]:
    return sorted({f for text in _texts(content) for f in find_numbers(text, sent)})


def _report(request, findings: list[str], where: str) -> None:
    if findings:
        with _lock:
            _findings.append(f"{request.method} {request.path} ({where}): {', '.join(findings)}")


def _scanned_stream(request, chunks, sent: frozenset):
    """Yield the chunks unchanged; read each with the tail of the one before it. Zip files are read whole at
    the end (an .xlsx cannot be read in pieces), which costs memory only in tests."""
    tail = b""
    whole = []
    for chunk in chunks:
        data = chunk.encode() if isinstance(chunk, str) else bytes(chunk)
        whole.append(data)
        _report(request, find_numbers(tail + data, sent), "stream")
        tail = (tail + data)[-_OVERLAP:]
        yield chunk
    body = b"".join(whole)
    if body[:2] == b"PK":
        _report(request, scan(body, sent), "stream")


def inspect(request, response):
    """Scan one answer; a streaming answer gets a reading iterator in place of its own."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name in ALLOWED:
        return response
    if getattr(response, "streaming", False):
        if getattr(response, "is_async", False):
            return response  # the suite serves no async stream; reading one here would need an event loop
        response.streaming_content = _scanned_stream(request, response.streaming_content, sent_numbers(request))
        return response
    sent = sent_numbers(request)
    _report(request, scan(response.content, sent), "body")
    # Headers too: a number in a redirect's Location or a file name would end up in logs and history.
    headers = "\n".join(f"{k}: {v}" for k, v in response.items()).encode()
    _report(request, find_numbers(headers, sent), "headers")
    return response


_installed = False


def install() -> None:
    """Wrap BaseHandler.get_response once (the test client's and the live server's handlers both inherit it)."""
    global _installed
    if _installed:
        return
    from django.core.handlers.base import BaseHandler

    original = BaseHandler.get_response

    def get_response(self, request):
        return inspect(request, original(self, request))

    BaseHandler.get_response = get_response
    _installed = True


def take_findings() -> list[str]:
    with _lock:
        found = list(_findings)
        _findings.clear()
    return found


def pytest_configure(config):
    install()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    take_findings()  # anything a previous test's live server answered late is not this test's
    result = yield
    found = take_findings()
    if found:
        pytest.fail("plaintext ID or mobile numbers in responses (gonghui.core.testing.pii_scanner):\n  "
                    + "\n  ".join(found), pytrace=False)
    return result
