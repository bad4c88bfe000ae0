from gonghui.core.context import client_ip


def _ip_of(request) -> str | None:
    # Behind a proxy the platform is configured to trust X-Forwarded-For's last hop only via
    # SECURE_PROXY_SSL_HEADER's deployment; REMOTE_ADDR is what the socket saw.
    return request.META.get("REMOTE_ADDR")


class RequestContextMiddleware:
    """Puts the client address where audit events can read it, for the length of one request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = client_ip.set(_ip_of(request))
        try:
            response = self.get_response(request)
        finally:
            client_ip.reset(token)
        return response
