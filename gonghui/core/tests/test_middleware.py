"""The client address that audit events and django-axes record, directly and behind a reverse proxy."""
import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from gonghui.core.context import client_ip
from gonghui.core.middleware import RequestContextMiddleware, client_address
from gonghui.core.models import AuditEvent
from gonghui.orgs.services import org_update

PROXY = "10.0.0.5"


def _request(remote=PROXY, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_directly_on_the_network_the_address_is_the_socket_peer_and_forwarded_headers_are_ignored(settings):
    settings.GONGHUI_BEHIND_PROXY = False

    assert client_address(_request("203.0.113.7", forwarded="198.51.100.1")) == "203.0.113.7"


def test_behind_the_proxy_the_address_is_the_one_the_proxy_appended(settings):
    settings.GONGHUI_BEHIND_PROXY = True

    assert client_address(_request(forwarded="203.0.113.7")) == "203.0.113.7"
    # a client forging the header only adds entries in front of the proxy's own
    assert client_address(_request(forwarded="1.2.3.4, 203.0.113.7")) == "203.0.113.7"
    assert client_address(_request(forwarded="2001:db8::1")) == "2001:db8::1"


@pytest.mark.parametrize("forwarded", [None, "", "not-an-address", "1.2.3.4, "])
def test_behind_the_proxy_a_missing_or_malformed_header_falls_back_to_the_peer(settings, forwarded):
    settings.GONGHUI_BEHIND_PROXY = True

    assert client_address(_request(forwarded=forwarded)) == PROXY


@pytest.mark.parametrize(("behind_proxy", "expected"), [(False, PROXY), (True, "203.0.113.7")])
def test_a_change_made_during_a_request_is_audited_with_the_client_address(world, settings, behind_proxy,
                                                                           expected):
    settings.GONGHUI_BEHIND_PROXY = behind_proxy

    def view(request):
        org_update(org=world.grassroots, chair_name="王强", actor=world.county_cadre)
        return HttpResponse()

    RequestContextMiddleware(view)(_request(forwarded="203.0.113.7"))

    assert AuditEvent.objects.filter(action="org.update").get().ip == expected
    assert client_ip.get() is None  # the address does not outlive its request
