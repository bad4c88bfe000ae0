import ipaddress

from django.conf import settings

from gonghui.core.context import client_ip


def client_address(request) -> str | None:
    """The address of the client, as audit events and django-axes record it (AXES_CLIENT_IP_CALLABLE).

    Directly on the internet that is REMOTE_ADDR. Behind one reverse proxy (GONGHUI_BEHIND_PROXY) REMOTE_ADDR
    is the proxy for everyone: then it is the last X-Forwarded-For entry, the one the proxy itself appended
    (entries before it come from the client and may be forged). Without this every cadre shares one
    address: the audit trail loses the origin, and axes' username+address lock becomes a username lock
    anyone can trigger.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    if not getattr(settings, "GONGHUI_BEHIND_PROXY", False):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    last = forwarded.split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(last))
    except ValueError:
        return remote


class RequestContextMiddleware:
    """Puts the client address where audit events can read it, for the length of one request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = client_ip.set(client_address(request))
        try:
            response = self.get_response(request)
        finally:
            client_ip.reset(token)
        return response


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every answer Django itself makes (GB/T 22239-2019 8.1.4.10 residual
    information, 8.1.4.11 personal information; ASVS 14.3.2): console, portal and API pages are one person's
    view of personal data, which neither a shared proxy nor the browser's disk may keep. Static files never
    reach this: WhiteNoise answers them earlier.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response["Cache-Control"] = "no-store, private"
        response["Pragma"] = "no-cache"
        return response
