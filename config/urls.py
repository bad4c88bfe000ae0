from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from gonghui.api.errors import not_found as api_not_found
from gonghui.api.urls import api

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="portal:home", permanent=False)),
    path("portal/", include("gonghui.portal.urls")),
    path("console/", include("gonghui.console.urls")),
    path("api/v1/", api.urls),
    re_path(r"^api/", api_not_found),  # a path no API operation matches answers JSON, not the HTML 404 page
    path("admin/", admin.site.urls),
]
