"""The docs page at /api/v1/docs: Swagger UI from static/vendor/swagger-ui/, never from a CDN.

Union intranets have no internet; ninja's own Swagger page is replaced by one that loads only files this
server serves (scripts/vendor_swagger.sh fetches them).
"""
from django.shortcuts import render
from ninja.openapi.docs import DocsBase


class OfflineSwagger(DocsBase):
    template = "api/docs.html"

    def render_page(self, request, api, **kwargs):
        settings = {
            "url": self.get_openapi_url(api, kwargs),
            "layout": "BaseLayout",
            "deepLinking": True,
            # Swagger UI would otherwise send the schema to an online validator and show its badge.
            "validatorUrl": None,
            "persistAuthorization": False,
        }
        signed_in = getattr(request, "user", None) is not None and request.user.is_authenticated
        return render(request, self.template, {"api": api, "swagger_settings": settings, "add_csrf": signed_in})
