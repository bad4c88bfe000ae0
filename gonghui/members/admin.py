from django.contrib import admin

from gonghui.core.admin import ReadOnlyAdmin
from gonghui.members.models import Member


@admin.register(Member)
class MemberAdmin(ReadOnlyAdmin):
    """Masked numbers only: never the plaintext, never the ciphertext or the blind index."""

    list_display = ("name", "gender", "id_number_masked", "phone_masked", "org", "joined_on", "status")
    list_filter = ("status", "gender")
    search_fields = ("name", "name_initials")
    list_select_related = ("org",)
    fields = ("name", "gender", "id_number_masked", "phone_masked", "org", "joined_on", "status", "card_number",
              "employment_form", "work_unit")
    readonly_fields = fields

    @admin.display(description="证件号码")
    def id_number_masked(self, obj) -> str:
        return obj.id_number_masked

    @admin.display(description="手机号")
    def phone_masked(self, obj) -> str:
        return obj.phone_masked
