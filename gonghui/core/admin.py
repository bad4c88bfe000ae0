"""Django's admin is for system administrators to look, not to write: every write goes through a service
(ARCHITECTURE.md rule 1), so the registered models are read-only here."""
from django.contrib import admin

from gonghui.core.models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    # Who may open the admin at all is the site's decision (a system administrator after TOTP); such a user
    # may look at every registered model without per-model Django permissions.
    def has_module_permission(self, request) -> bool:
        return getattr(request.user, "is_sysadmin", False)

    def has_view_permission(self, request, obj=None) -> bool:
        return getattr(request.user, "is_sysadmin", False)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_label", "action", "object_type", "object_id", "org_path", "ip")
    list_filter = ("action", "object_type")
    search_fields = ("actor_label", "action", "object_id", "org_path")
    date_hierarchy = "at"
