"""Running one permission-matrix case (gonghui.core.testing.matrix): make the request as the case's persona, then
check the answer against the case's expectation, what changed, and what the answer names.

The expectation and the strings a case looks for are read through the module (`matrix.expectation`, ...), so the
matrix's own self-tests can replace them."""
import json

from django.urls import reverse

from gonghui.core.testing import matrix
from gonghui.core.testing.matrix import (
    ANONYMOUS, DENIED, DUTY_PERSONAS, HIDDEN, OK, Case, Route, make_list_transfers, transfers_seen_by,
)


def _login_paths() -> list[str]:
    paths = []
    for name in ("console:login", "portal:login"):
        try:
            paths.append(reverse(name))
        except Exception:  # noqa: BLE001 - a namespace without a login page
            pass
    return paths


def request(client, world, case: Case, obj=None):
    """Call the case's route as its persona (on `obj`, or the case's target) and return the response."""
    route = case.route
    obj = obj if obj is not None else matrix.target_of(world, case)
    url = reverse(route.name, kwargs=route.kwargs(obj) if route.kwargs else None)
    headers = {}
    if case.persona != ANONYMOUS:
        if route.namespace == "api":
            headers["HTTP_AUTHORIZATION"] = f"Bearer {world.tokens[case.persona]}"
        else:
            client.force_login(world.users[case.persona])
    method = route.method.upper()
    if not route.is_write:
        return client.generic(method, url, data="", QUERY_STRING=_query(route), **headers) if method != "GET" \
            else client.get(url, route.query or {}, **headers)
    body = route.data(world, obj) if route.data else {}
    if route.query:
        url += "?" + _query(route)
    if route.namespace == "api":
        return client.generic(method, url, json.dumps(body), content_type="application/json", **headers)
    if method == "POST":
        return client.post(url, body, **headers)
    from urllib.parse import urlencode

    return client.generic(method, url, urlencode(body, doseq=True), content_type="application/x-www-form-urlencoded",
                          **headers)


def _query(route: Route) -> str:
    from urllib.parse import urlencode

    return urlencode(route.query or {}, doseq=True)


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return ""
    raw = response.content
    text = raw.decode("utf-8", errors="replace")
    if "json" in response.get("Content-Type", ""):
        try:  # \uXXXX escapes would hide Chinese names from a plain search
            text += json.dumps(json.loads(raw), ensure_ascii=False)
        except ValueError:
            pass
    return text


def _describe(case: Case, response, problem: str) -> str:
    location = f" → {response['Location']}" if response.has_header("Location") else ""
    return (f"{case.id}: {problem} (got {response.status_code}{location}; expected "
            f"{matrix.expectation(case)} for {case.persona} on its {case.relation} {case.route.target})")


def check(client, world, case: Case) -> None:
    """Run one case and assert everything the matrix promises about it."""
    from gonghui.core.testing.state import changed_tables, fingerprint

    # A row of another domain is made first (by the system, from the case's target), so `before` holds it.
    target = matrix.target_of(world, case)
    made = case.route.setup(world, target) if case.route.setup is not None else None
    listed = make_list_transfers(world) if case.route.list_key == "transfer" else []
    before = fingerprint() if case.route.is_write else None
    response = request(client, world, case, obj=made if made is not None else target)
    after = fingerprint() if case.route.is_write else None
    expected = matrix.expectation(case)
    status = response.status_code
    location = response["Location"] if response.has_header("Location") else ""
    to_login = 300 <= status < 400 and any(location.split("?")[0].endswith(p) for p in _login_paths())
    body = _body(response)

    assert status < 500, _describe(case, response, "server error")

    if expected == OK:
        if case.route.is_write:
            allowed = (200 <= status < 300) or (300 <= status < 400 and not to_login) or status in (400, 409, 422)
        elif case.route.target == "none":
            allowed = (200 <= status < 300) or (300 <= status < 400 and not to_login)
        else:
            allowed = 200 <= status < 300
        assert allowed, _describe(case, response, "refused where it should be allowed")
    elif expected == HIDDEN:
        allowed = {404} if not case.route.is_write else {403, 404}
        assert status in allowed, _describe(case, response, "out of scope must answer like a missing row (404)")
    elif expected == DENIED:
        allowed = {302, 401, 403, 404} if case.route.namespace != "api" else {401, 403, 404}
        assert status in allowed and (status != 302 or to_login or case.persona != ANONYMOUS), \
            _describe(case, response, "must be refused")

    if expected in (HIDDEN, DENIED) and case.route.is_write:
        assert changed_tables(before, after) == [], _describe(
            case, response, f"a refused write changed {changed_tables(before, after)}")

    if expected in (HIDDEN, DENIED) and case.route.target in ("org", "member", "transfer"):
        name = target.member.name if case.route.target == "transfer" else target.name
        assert name not in body, _describe(case, response, f"a refused answer names its target {name!r}")

    if case.route.target in ("list", "transfer") or expected in (HIDDEN, DENIED) or case.persona in DUTY_PERSONAS:
        # A transfer's own unions and member are what its page is about; a list's are those the persona sees.
        shown = listed if case.route.list_key == "transfer" else [target] if case.route.target == "transfer" else []
        shown = transfers_seen_by(world, case.persona, shown) if expected not in (HIDDEN, DENIED) else []
        foreign = matrix.foreign_strings(world, case, shown) if shown else matrix.foreign_strings(world, case)
        leaked = [s for s in foreign if s in body]
        assert not leaked, _describe(case, response, f"the answer names rows outside the scope: {leaked}")

    if not (case.route.unmasks and expected == OK):
        leaked = [s for s in matrix.secret_strings(world) if s in body]
        assert not leaked, _describe(case, response, f"plaintext ID or phone numbers in the answer: {leaked}")
