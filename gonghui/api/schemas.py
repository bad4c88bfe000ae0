"""What the API reads and writes. Field names are the glossary's English; labels are the Chinese for people.

Personal numbers leave only masked (`id_number_masked`, `phone_masked`, by gonghui.core.masking through the
model's properties); no schema here has a field that could carry the plaintext.
"""
from datetime import date, datetime

from ninja import Field, Schema
from pydantic import ConfigDict

from gonghui.core.labels import display
from gonghui.orgs.choices import OrgKind, OrgLevel, Ownership, UnitType


def _codes(choices) -> str:
    return "，".join(f"{value}={label}" for value, label in choices.choices if value)


# --- orgs -------------------------------------------------------------------------------------------------


class OrgRef(Schema):
    id: int
    name: str


class OrgOut(Schema):
    id: int
    parent: int | None = Field(description="上级工会的 id")
    name: str
    code: str
    kind: str
    kind_label: str
    level: str
    level_label: str
    status: str
    status_label: str
    division_code: str
    new_forms: bool
    depth: int
    member_count: int = Field(description="直属会员数（不含下级）")

    @staticmethod
    def resolve_parent(obj) -> int | None:
        return obj.parent_id

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return display(obj, "kind")

    @staticmethod
    def resolve_level_label(obj) -> str:
        return display(obj, "level")

    @staticmethod
    def resolve_status_label(obj) -> str:
        return display(obj, "status")


class OrgDetailOut(OrgOut):
    founded_on: date | None
    closed_on: date | None
    chair_name: str
    address: str
    employer_name: str
    uscc: str
    industry_code: str
    unit_type: str
    ownership: str
    employee_count: int | None
    small_micro: bool
    subtree_member_count: int = Field(description="本级及全部下级的在册会员数")
    created_at: datetime
    updated_at: datetime


class OrgChildOut(Schema):
    org: OrgOut
    subtree_member_count: int = Field(description="该下级工会及其全部下级的在册会员数")
    subtree_org_count: int = Field(description="该下级工会之下的组织数（不含自身）")
    subtree_grassroots_count: int = Field(description="该下级工会之下（含自身）的基层工会数")
    has_children: bool

    @staticmethod
    def resolve_org(obj):
        return obj["org"]

    @staticmethod
    def resolve_subtree_member_count(obj) -> int:
        return obj["members"]

    @staticmethod
    def resolve_subtree_org_count(obj) -> int:
        return obj["orgs"]

    @staticmethod
    def resolve_subtree_grassroots_count(obj) -> int:
        return obj["grassroots"]

    @staticmethod
    def resolve_has_children(obj) -> bool:
        return obj["has_children"]


class OrgChildrenOut(Schema):
    items: list[OrgChildOut]
    has_more: bool = Field(description="下级工会超过本次返回的数量时为 true")


class _OrgFields(Schema):
    # Unknown fields are refused, not ignored: a client that sends `parent` or `status` to PATCH must learn
    # that it changed nothing.
    model_config = ConfigDict(extra="forbid")


class OrgCreateIn(_OrgFields):
    parent: int = Field(description="上级工会的 id")
    name: str
    kind: str = Field(description=_codes(OrgKind))
    level: str = Field(description=_codes(OrgLevel))
    code: str = Field(description="本平台内唯一的组织编码")
    division_code: str = ""
    new_forms: bool = False
    founded_on: date | None = None
    chair_name: str = ""
    address: str = ""
    employer_name: str = ""
    uscc: str = ""
    industry_code: str = ""
    unit_type: str = Field("", description=_codes(UnitType))
    ownership: str = Field("", description=_codes(Ownership))
    employee_count: int | None = None
    small_micro: bool = False


class OrgUpdateIn(_OrgFields):
    """Only the fields sent are changed. The place in the tree and the status change by their own services."""

    name: str | None = None
    kind: str | None = Field(None, description=_codes(OrgKind))
    level: str | None = Field(None, description=_codes(OrgLevel))
    code: str | None = None
    division_code: str | None = None
    new_forms: bool | None = None
    founded_on: date | None = None
    chair_name: str | None = None
    address: str | None = None
    employer_name: str | None = None
    uscc: str | None = None
    industry_code: str | None = None
    unit_type: str | None = Field(None, description=_codes(UnitType))
    ownership: str | None = Field(None, description=_codes(Ownership))
    employee_count: int | None = None
    small_micro: bool | None = None


# --- members ----------------------------------------------------------------------------------------------


class MemberOut(Schema):
    id: int
    name: str
    gender: str
    gender_label: str
    birth_date: date
    org: OrgRef
    status: str
    status_label: str
    joined_on: date
    employment_form: str
    employment_form_label: str
    id_number_masked: str = Field(description="脱敏后的证件号码，如 3608**********2035")
    phone_masked: str = Field(description="脱敏后的手机号，如 138****1234；未登记时为空")

    @staticmethod
    def resolve_gender_label(obj) -> str:
        return display(obj, "gender")

    @staticmethod
    def resolve_status_label(obj) -> str:
        return display(obj, "status")

    @staticmethod
    def resolve_employment_form_label(obj) -> str:
        return display(obj, "employment_form") if obj.employment_form else ""


class MemberDetailOut(MemberOut):
    id_type: str
    id_type_label: str
    ethnicity: str
    ethnicity_label: str
    education: str
    political_status: str
    employment_status: str
    household_type: str
    migrant_worker: bool
    platform_company: str
    work_unit: str
    card_number: str | None

    @staticmethod
    def resolve_id_type_label(obj) -> str:
        return display(obj, "id_type")

    @staticmethod
    def resolve_ethnicity_label(obj) -> str:
        return display(obj, "ethnicity")


# --- me ---------------------------------------------------------------------------------------------------


class RoleOrgOut(Schema):
    id: int
    name: str
    kind: str


class RoleOut(Schema):
    kind: str
    kind_label: str
    org: RoleOrgOut

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return display(obj, "kind")


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    phone_masked: str
    is_cadre: bool
    roles: list[RoleOut]
    member: MemberDetailOut | None = Field(description="本人的会员信息（已脱敏）；不是会员时为 null")


class ErrorOut(Schema):
    detail: str


class InvalidOut(Schema):
    detail: str
    errors: dict[str, list[str]]
