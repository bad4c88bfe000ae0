"""Real-browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Every page opened here must render without a console error or an uncaught exception, and must not try to
reach any host but the live server (the pages are for intranets without internet: no CDN, no web fonts).
Each test saves a screenshot into docs/screenshots/.

Chromium missing → the tests are skipped, unless GONGHUI_REQUIRE_BROWSER=1 (CI), where they fail.
"""
import os
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread with a
# running loop unless told that it is safe, which it is here (one test thread, the live server in another).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("GONGHUI_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing and GONGHUI_REQUIRE_BROWSER=1 (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class Watched:
    """A page with its console errors, uncaught exceptions and outside requests collected."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.failed: list[str] = []
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(f"console: {msg.text}"))
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("requestfailed", self._failed)

    def _failed(self, request) -> None:
        # ERR_ABORTED is the browser cancelling a request itself (a navigation or a closing page cut short
        # the favicon, say); the server did not fail. Requests to other hosts are aborted by the guard and
        # counted in `outside`.
        if "ERR_ABORTED" not in (request.failure or ""):
            self.failed.append(f"{request.url} {request.failure}")

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str):
        response = self.page.goto(self.url(path))
        assert response is not None and response.status < 400, f"{path} answered {response and response.status}"
        return response

    def screenshot(self, name: str, *, full_page: bool = True) -> Path:
        """Desktop pages are saved whole; phone pages as the screen shows them (the bottom bar is fixed)."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        target = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(target), full_page=full_page and self.page.viewport_size["width"] > 500)
        return target

    def assert_clean(self):
        assert self.outside == [], f"requests to other hosts: {self.outside}"
        assert self.errors == [], f"errors in the browser: {self.errors}"
        assert self.failed == [], f"failed requests: {self.failed}"


def _open(browser, live_server, viewport):
    context = browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  device_scale_factor=1, is_mobile=viewport is PHONE, has_touch=viewport is PHONE)
    page = context.new_page()
    watched = Watched(page, live_server.url)

    def guard(route):
        host = urlsplit(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            watched.outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    return context, watched


def _watched(browser, live_server, viewport):
    context, watched = _open(browser, live_server, viewport)
    yield watched
    try:
        watched.assert_clean()
    finally:
        context.close()


@pytest.fixture
def desktop(browser, live_server):
    yield from _watched(browser, live_server, DESKTOP)


@pytest.fixture
def phone(browser, live_server):
    yield from _watched(browser, live_server, PHONE)


@pytest.fixture
def town(transactional_db):
    """The personas' world plus a few more unions and members, so that pages look like a real county's."""
    from gonghui.core import idnumber, uscc
    from gonghui.core.testing.personas import build_world
    from gonghui.members.services import member_register
    from gonghui.orgs.choices import OrgKind, OrgLevel
    from gonghui.orgs.services import org_create

    world = build_world()
    county = world.county
    extra = []
    for serial, name in enumerate(["锦江区第一人民医院工会", "锦江区春熙路商圈工会联合会", "锦江区某物业服务公司工会"], 10):
        extra.append(org_create(
            parent=county, name=name, kind=OrgKind.GRASSROOTS, level=OrgLevel.GRASSROOTS, code=f"510104G{serial}",
            division_code="510104", employer_name=name.removesuffix("工会"), uscc=uscc.make("510104", serial),
            employee_count=80 + serial, actor=None))
    names = ["王秀英", "李强", "陈静", "刘洋", "赵敏", "杨磊", "周婷", "黄勇", "徐丽", "吴斌", "马琳", "孙浩"]
    for i, name in enumerate(names):
        sequence = 100 + 2 * i + i % 2  # odd is male, as in the names above
        org = [world.grassroots, *extra][i % 4]
        member_register(org=org, name=name, id_number=idnumber.make("510104", date(1975 + i, 1 + i % 12, 3 + i), sequence),
                        phone=f"1390001{i:04d}", joined_on=date(2012 + i % 10, 1 + i % 12, 1), actor=None)
    return world
