"""`Idempotency-Key` on every unsafe API call: a retried request gets the first answer and changes nothing.

A phone on a bad connection sends a join application, loses the answer and sends it again. With the same
`Idempotency-Key` header the second request is not executed: the first answer (status and body) is replayed
from `core.IdempotencyRecord`, keyed by (caller, key) together with a hash of method, path and body.

* The same key with a different request is refused (422): a retry must be the same request.
* Two requests with the same key at once: the record is inserted, in a transaction of its own, *before* the
  operation runs, so the unique (owner, key) constraint lets exactly one of them run; the other is told the
  first is still in progress (409) and retries. A check-then-insert would let both run.
* An answer is stored unless it is a server error (5xx) or the operation raised: then the key is released,
  because nothing was done that a retry would repeat.

Two ninja decorators, installed API-wide by `install(api)`: `_claim` runs after authentication and request
validation (it needs the caller; a request ninja refuses as malformed never runs anything, so it claims no
key), `_store` wraps the whole operation to see the final response. Records older than a day are purged by
`gonghui idempotency purge`.
"""
import hashlib
import json
from functools import wraps

from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _

from gonghui.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replayed"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_KEY_LENGTH = 128
_CLAIMED = "_gonghui_idempotency_record"


def install(api) -> None:
    api.add_decorator(_store, mode="view")
    api.add_decorator(_claim, mode="operation")


def request_hash(request) -> str:
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.get_full_path().encode(), request.body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _json(status: int, detail: str) -> HttpResponse:
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode()
    return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")


def _claim(view_func):
    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        key = request.headers.get(HEADER)
        user = getattr(request, "auth", None)
        if request.method not in UNSAFE_METHODS or key is None or getattr(user, "pk", None) is None:
            return view_func(request, *args, **kwargs)
        key = key.strip()
        if not key or len(key) > MAX_KEY_LENGTH:
            return _json(422, _("幂等键（Idempotency-Key）应为1至%(n)d个字符") % {"n": MAX_KEY_LENGTH})
        owner, digest = str(user.pk), request_hash(request)
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(owner=owner, key=key, request_hash=digest)
        except IntegrityError:
            return _answer_again(owner, key, digest)
        setattr(request, _CLAIMED, record)
        return view_func(request, *args, **kwargs)

    return wrapper


def _answer_again(owner: str, key: str, digest: str) -> HttpResponse:
    record = IdempotencyRecord.objects.filter(owner=owner, key=key).first()
    if record is not None and record.request_hash != digest:
        return _json(422, _("该幂等键已用于另一请求"))
    if record is None or record.status_code is None:
        # Still running in another request (or released by it a moment ago): the client retries later.
        return _json(409, _("使用该幂等键的请求正在处理中，请稍后重试"))
    response = HttpResponse(bytes(record.response_body or b""), status=record.status_code,
                            content_type="application/json; charset=utf-8")
    response[REPLAY_HEADER] = "true"
    return response


def _store(run):
    @wraps(run)
    def wrapper(request, *args, **kwargs):
        try:
            response = run(request, *args, **kwargs)
        except BaseException:
            _release(request)
            raise
        record = getattr(request, _CLAIMED, None)
        if record is not None:
            if response.status_code >= 500 or getattr(response, "streaming", False):
                _release(request)
            else:
                _on_live_connection(lambda: IdempotencyRecord.objects.filter(pk=record.pk).update(
                    status_code=response.status_code, response_body=response.content))
        return response

    return wrapper


def _release(request) -> None:
    record = getattr(request, _CLAIMED, None)
    if record is not None:
        _on_live_connection(lambda: IdempotencyRecord.objects.filter(pk=record.pk).delete())


def _on_live_connection(write) -> None:
    """Run a bookkeeping write once more on a new connection if the request's connection was lost.

    The operation's own transaction has committed or rolled back by now. If the connection died in between
    (killed, restarted), a record left unfinished would answer every retry with 409 for a day: the stored
    answer or the release must land, so it is tried again on a fresh connection (tests/test_faults.py).
    """
    try:
        write()
    except (OperationalError, InterfaceError):
        if connection.in_atomic_block:
            raise
        connection.close()
        write()

