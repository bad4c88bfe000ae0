from django.contrib import admin

from gonghui.core.admin import ReadOnlyAdmin
from gonghui.orgs.models import Org, OrgEvent


@admin.register(Org)
class OrgAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "kind", "level", "division_code", "status", "member_count")
    list_filter = ("kind", "level", "status", "new_forms")
    search_fields = ("name", "code", "uscc", "division_code")
    list_select_related = ("parent",)


@admin.register(OrgEvent)
class OrgEventAdmin(ReadOnlyAdmin):
    list_display = ("org", "kind", "on", "old_path", "new_path", "note")
    list_filter = ("kind",)
    list_select_related = ("org",)
