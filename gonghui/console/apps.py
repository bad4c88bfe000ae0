from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ConsoleConfig(AppConfig):
    name = "gonghui.console"
    label = "console"
    default = True


class GonghuiAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with our OTP-guarded site as `admin.site` (see gonghui.console.admin_site)."""

    default = False
    default_site = "gonghui.console.admin_site.GonghuiAdminSite"
