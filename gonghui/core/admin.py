"""Django's admin is for system administrators to look, not to write: every write goes through a service
(ARCHITECTURE.md rule 1), so the registered models are read-only here."""
from django.contrib import admin

from gonghui.core.models import AuditEvent


# The models a system administrator may look at (三员, gonghui.accounts.duties): none holds a person's record
# or an audit event. An allow-list, so a model registered later stays hidden until someone decides.
SYSADMIN_MODELS = frozenset({"orgs.org", "orgs.orgevent"})


class ReadOnlyAdmin(admin.ModelAdmin):
    # Who may open the admin at all is the site's decision (a system administrator after TOTP); such a user
    # may look at the non-personal models without per-model Django permissions.
    def _may_view(self, request) -> bool:
        return getattr(request.user, "is_sysadmin", False) and self.opts.label_lower in SYSADMIN_MODELS

    def has_module_permission(self, request) -> bool:
        return self._may_view(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._may_view(request)

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
