"""Cache-Control: no-store on every answer Django makes (gonghui.core.middleware.NoStoreMiddleware)."""
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_console_portal_api_admin_and_error_pages_are_never_stored(client, world):
    client.force_login(world.county_cadre)
    urls = [reverse("console:member-detail", args=[world.worker_member.pk]), reverse("console:org-tree"),
            reverse("api:member_list"), reverse("console:member-detail", args=[world.other_member.pk]),
            "/no-such-page/", reverse("admin:index")]
    client.logout()
    urls_anonymous = [reverse("console:login"), reverse("portal:login")]
    answers = {}
    client.force_login(world.county_cadre)
    for url in urls:
        response = client.get(url)
        answers[url] = (response.status_code, response["Cache-Control"], response["Pragma"])
    client.logout()
    for url in urls_anonymous:
        response = client.get(url)
        answers[url] = (response.status_code, response["Cache-Control"], response["Pragma"])

    assert {url: a[1:] for url, a in answers.items()} == {url: ("no-store, private", "no-cache") for url in answers}
    assert {a[0] for a in answers.values()} >= {200, 404}
