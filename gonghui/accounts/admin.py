from django.contrib import admin

from gonghui.accounts.models import ApiToken, Role, User
from gonghui.core.admin import ReadOnlyAdmin


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ("username", "display_name", "phone_masked", "is_active", "is_staff", "last_login")
    search_fields = ("username", "display_name")
    fields = ("username", "display_name", "phone_masked", "is_active", "is_staff", "is_superuser", "last_login",
              "date_joined")
    readonly_fields = fields

    @admin.display(description="手机号")
    def phone_masked(self, obj) -> str:
        return obj.phone_masked


@admin.register(Role)
class RoleAdmin(ReadOnlyAdmin):
    list_display = ("user", "org", "kind", "granted_at")
    list_filter = ("kind",)
    list_select_related = ("user", "org")


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("prefix", "name", "user", "created_at", "expires_at", "last_used_at", "revoked")
    exclude = ("token_hash",)
    list_select_related = ("user",)
