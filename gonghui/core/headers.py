"""Response headers Django 5.2 does not set itself.

Content-Security-Policy comes from django-csp (settings.CONTENT_SECURITY_POLICY); Referrer-Policy,
X-Content-Type-Options, Cross-Origin-Opener-Policy and HSTS from Django's SecurityMiddleware. This adds:
* Permissions-Policy, so a page (or a script that got into one) cannot ask for the camera, the microphone or the
  user's position: no page needs them, and a worker's browser would otherwise prompt on the union's behalf;
* Cross-Origin-Resource-Policy: same-origin (ASVS 5.0 3.5.8), so another site cannot embed what a signed-in
  cadre's browser fetches from here (a member card's QR code, a chart's data) as an image or a script.
"""
from django.conf import settings


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions = settings.GONGHUI_PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.permissions)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
