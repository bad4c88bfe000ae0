from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from gonghui.api.urls import api

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="portal:home", permanent=False)),
    path("portal/", include("gonghui.portal.urls")),
    path("console/", include("gonghui.console.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
