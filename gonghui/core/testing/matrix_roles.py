"""The cross-scope part of the permission matrix, generated from the role kinds (accounts.choices.RoleKind).

Every role kind a cadre can hold meets every route on the objects of three relations outside its subtree:
a sibling subtree's, the parent's subtree outside its own, and another province's ("sibling", "parent",
"other_province"). Each must be refused exactly like a missing row (404, a write 403 or 404), change nothing,
and name nothing of them.

* The base personas (gonghui.core.testing.matrix.PERSONAS) already hold some kinds: the chair (province and
  grassroots cadres) and the staff (county cadre). They get the "other_province" relation on top of their own.
* Every other kind of RoleKind gets a persona of its own, generated here: `county_<kind>`, holding that one role
  on the county federation (the level that has a sibling, a parent and a counterpart in the other province).
  A role kind added to RoleKind is covered the day it is added, without a line here.
* A role that may see no member (an administrator duty, accounts.choices.DUTIES: 三员) is refused the member
  rows and transfers of its own subtree too (404 or 403; a console page may send it to its second factor
  first), and no answer it gets names any member at all.
* An auditor (经审) reads but does not act: a route that is about acting may refuse it with 403 before it looks
  for the row, which is refused all the same.
"""
from gonghui.accounts.choices import DUTIES, MANAGING, RoleKind

ROLE_HOME = "county"
CROSS_RELATIONS = ("sibling", "parent", "other_province")
# The role kinds the base personas hold, and where (gonghui.core.testing.personas.build_world).
BASE_ROLES = {"province_cadre": (RoleKind.CHAIR, "province"), "county_cadre": (RoleKind.STAFF, "county"),
              "grassroots_cadre": (RoleKind.CHAIR, "grassroots")}


def role_persona(kind: str) -> str:
    return f"{ROLE_HOME}_{kind}"


# persona → the one role kind it holds on ROLE_HOME: every kind no base persona holds.
ROLE_PERSONAS = {role_persona(kind): kind for kind in RoleKind
                 if kind not in {held for held, _home in BASE_ROLES.values()}}
DUTY_PERSONAS = frozenset(p for p, kind in ROLE_PERSONAS.items() if kind in DUTIES)
READING_PERSONAS = frozenset(p for p, kind in ROLE_PERSONAS.items() if kind not in MANAGING)

# The objects of each relation for a persona at ROLE_HOME (the county), and the other-province relation of
# the base personas: the other province's org at the persona's own level, its member, and a transfer in which
# neither union is in the persona's subtree (member, receiving union, requester; joining.services).
OTHER_PROVINCE_ORG = {"province_cadre": None, "county_cadre": "other_county", "grassroots_cadre": "other_grassroots",
                      "worker": "other_grassroots"}
OTHER_PROVINCE_MEMBER = {"province_cadre": None, "county_cadre": "other_province_member",
                         "grassroots_cadre": "other_province_member", "worker": "other_province_member"}
OTHER_PROVINCE_TRANSFER = ("other_province_member", "city_office", "other_province_cadre")
ROLE_ORG_TARGETS = {"own": "county", "sibling": "sibling_county", "parent": "city", "other_province": "other_county"}
ROLE_MEMBER_TARGETS = {"own": "worker_member", "sibling": "other_member", "parent": "city_office_member",
                       "other_province": "other_province_member"}
ROLE_TRANSFER_TARGETS = {"own": ("worker_member", "sibling_grassroots", "grassroots_cadre"),
                         "sibling": ("other_province_member", "sibling_grassroots", "other_province_cadre"),
                         "parent": ("city_office_member", "sibling_grassroots", "city_cadre"),
                         "other_province": OTHER_PROVINCE_TRANSFER}


def add_role_personas(world) -> None:
    """A cadre account per generated persona, with its one role on ROLE_HOME, made through the services."""
    from gonghui.accounts.services import cadre_create, role_grant
    from gonghui.core.testing.personas import PASSWORD

    for persona, kind in ROLE_PERSONAS.items():
        user = cadre_create(username=persona, password=PASSWORD, display_name=str(RoleKind(kind).label),
                            actor=None)
        role_grant(user=user, org=world.orgs[ROLE_HOME], kind=kind, actor=None)
        world.users[persona] = user


def _visibility(kind: str) -> tuple[bool, bool]:
    return kind in MANAGING, kind in DUTIES


# The generated personas by what their kind lets them see and do (accounts.choices: MANAGING, DUTIES).
CLASSES = tuple(tuple(p for p, kind in ROLE_PERSONAS.items() if _visibility(kind) == key)
                for key in dict.fromkeys(_visibility(kind) for kind in ROLE_PERSONAS.values()))


def role_relations(persona: str, target: str) -> tuple[str, ...]:
    """The relations a generated persona meets a route's target in."""
    if persona in DUTY_PERSONAS and target in ("member", "transfer"):
        return ("own", *CROSS_RELATIONS)
    return CROSS_RELATIONS


def role_cases(route_index: int, target: str) -> list[tuple[str, str]]:
    """(persona, relation) pairs of the generated personas for a route: every role kind on every relation (the
    issue asks for the full product, so no kind stands in for another). `route_index` is kept for callers."""
    pairs = []
    for members in CLASSES:
        if target in ("org", "member", "transfer"):
            pairs += [(persona, rel) for persona in members for rel in role_relations(persona, target)]
        elif target == "list" or members[0] in DUTY_PERSONAS:
            # What a list may name depends on the role; a page of the caller's own (target "none") shows rows
            # only to a role that sees them, so only a role that may see no member is sent to each.
            pairs += [(persona, "own") for persona in members]
    return pairs


def role_expectation(case, hidden, denied, any_) -> str:
    """What a generated role persona must get (the constants are matrix.HIDDEN, DENIED, ANY)."""
    route, persona = case.route, case.persona
    if route.admin_only:
        # A duty's own pages are tested with the duties themselves (console/tests/test_duties.py).
        return any_ if persona in DUTY_PERSONAS else denied
    if route.target in ("none", "list"):
        return any_  # what the answer may name is checked all the same (matrix.foreign_strings)
    if persona in DUTY_PERSONAS or persona in READING_PERSONAS:
        return denied
    return hidden


def foreign_members_of(world, persona: str, home):
    """Members whose names must not appear in an answer to a generated persona."""
    members = list(world.members.values())
    if persona in DUTY_PERSONAS:
        return members
    return [m for m in members if not m.org.path.startswith(home.path)]
