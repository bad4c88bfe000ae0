"""Every console page a cadre uses fits a 390×844 phone: no page wider than the screen (wide tables scroll
inside their card), the navigation reachable as a strip under the top bar."""
import re

import pytest

from gonghui.core.testing.personas import PASSWORD

PAGES = [
    "/console/",
    "/console/orgs/{county}/",
    "/console/members/?q=张",
    "/console/members/{member}/",
    "/console/orgs/",
    "/console/orgs/{county}/roster/",
    "/console/orgs/{county}/roster/import/",
    "/console/join/",
    "/console/transfers/",
    "/console/stats/{county}/",
    "/console/stats/{county}/quality/",
    "/console/stats/{county}/report/",
]


def _sign_in(watched):
    page = watched.page
    watched.goto("/console/login/?next=/console/orgs/")
    page.get_by_label("用户名").fill("county_cadre")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/console/orgs/$"))


def test_every_console_page_fits_a_phone(phone, town):
    from django.urls import Resolver404, resolve

    _sign_in(phone)
    page = phone.page
    checked = []
    for template in PAGES:
        path = template.format(county=town.county.pk, member=town.worker_member.pk)
        try:
            resolve(path.split("?")[0])
        except Resolver404:
            pytest.fail(f"{path} is not a console page any more: update this list")
        phone.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width}px wide on a 390px phone"
        checked.append(path)
    assert len(checked) == len(PAGES)
