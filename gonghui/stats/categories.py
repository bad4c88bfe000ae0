"""Which member or org counts towards which figure: one definition, read in Python (one member's delta) and
turned into SQL (set-wise rebuilds and the live counts the auditor compares with).

A member category is (field, values, negate): the member counts when `(value in values) != negate`. The
"other" buckets are negations, so each group (gender, education, employment…) sums to the members total.
"""
from django.db.models import Q

from gonghui.orgs.choices import OrgKind, OrgStatus

MEMBER_CATEGORIES: dict[str, tuple[str, frozenset, bool]] = {
    "male": ("gender", frozenset({"1"}), False),
    "female": ("gender", frozenset({"1"}), True),
    "han": ("ethnicity", frozenset({"01"}), False),
    "minority": ("ethnicity", frozenset({"01"}), True),
    "edu_postgraduate": ("education", frozenset({"10"}), False),
    "edu_bachelor": ("education", frozenset({"20"}), False),
    "edu_college": ("education", frozenset({"30"}), False),
    "edu_secondary": ("education", frozenset({"40", "60"}), False),
    "edu_junior_under": ("education", frozenset({"70", "80"}), False),
    "edu_other": ("education", frozenset({"10", "20", "30", "40", "60", "70", "80"}), True),
    "migrant": ("migrant_worker", frozenset({True}), False),
    "cpc": ("political_status", frozenset({"01", "02"}), False),
    "emp_employed": ("employment_status", frozenset({"1"}), False),
    "emp_laid_off": ("employment_status", frozenset({"2"}), False),
    "emp_unemployed": ("employment_status", frozenset({"3"}), False),
    "emp_retired": ("employment_status", frozenset({"4", "5", "6", "7"}), False),
    "emp_other": ("employment_status", frozenset({"1", "2", "3", "4", "5", "6", "7"}), True),
    "new_forms": ("employment_form", frozenset({""}), True),
    "form_courier": ("employment_form", frozenset({"courier"}), False),
    "form_rider": ("employment_form", frozenset({"rider"}), False),
    "form_ride_hailing": ("employment_form", frozenset({"ride_hailing"}), False),
    "form_truck": ("employment_form", frozenset({"truck"}), False),
    "form_live_streamer": ("employment_form", frozenset({"live_streamer"}), False),
    "form_domestic": ("employment_form", frozenset({"domestic"}), False),
    "form_other": ("employment_form", frozenset({"other"}), False),
}
# The member fields the categories read: an edit of any other field changes no figure.
CATEGORY_FIELDS = frozenset(field for field, _v, _n in MEMBER_CATEGORIES.values())

ORG_KIND_KEYS = {kind.value: f"orgs_{kind.value}" for kind in OrgKind}
NEW_FORMS_KINDS = frozenset({OrgKind.GRASSROOTS, OrgKind.INDUSTRY, OrgKind.REGIONAL})


def member_categories(values) -> list[str]:
    """Category keys an ACTIVE member with these field values counts towards (`values`: a Member or a dict)."""
    get = values.get if isinstance(values, dict) else (lambda f: getattr(values, f))
    return [key for key, (field, allowed, negate) in MEMBER_CATEGORIES.items() if (get(field) in allowed) != negate]


def category_q(key: str, prefix: str = "") -> Q:
    field, allowed, negate = MEMBER_CATEGORIES[key]
    values = list(allowed)
    if field == "migrant_worker":
        q = Q(**{f"{prefix}{field}": True})
    else:
        q = Q(**{f"{prefix}{field}__in": values})
    return ~q if negate else q


def org_vector(org) -> dict[str, int]:
    """What one org adds to the stock figures of every node above it (itself included) while it is active."""
    if org.status != OrgStatus.ACTIVE:
        return {}
    vector = {"orgs_total": 1, ORG_KIND_KEYS[org.kind]: 1}
    if org.new_forms and org.kind in NEW_FORMS_KINDS:
        vector["grassroots_new_forms"] = 1
    if org.kind == OrgKind.GRASSROOTS and org.employee_count:
        vector["employees"] = org.employee_count
    return vector
