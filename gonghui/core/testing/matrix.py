"""The permission matrix: every route × persona × relation, with the answer each must get.

Each interface app declares its routes in `gonghui/<app>/tests/matrix_routes.py`:

    from gonghui.core.testing.matrix import Route

    ROUTES = [
        Route(name="console:org-detail", target="org", kwargs=lambda org: {"pk": org.pk}),
        Route(name="api:org_update", method="PATCH", target="org", kwargs=lambda org: {"org_id": org.pk},
              data=lambda world, org: {"chair_name": "王强"}),
        Route(name="api:member_list", target="list", list_key="member"),
        Route(name="console:login", public=True),
    ]

A route on another domain's rows (a join application, a grant) names the org or member they belong to as its
target and makes the row in `setup`: `setup=lambda world, org: join_apply(org=org, ..., actor=None)`; kwargs
and data then receive that row. Every case runs in its own savepoint, so rows made or changed vanish after it.

A transfer (转会) belongs to two scopes at once, so it is a target of its own, `target="transfer"`, with its
own relations (TRANSFER_TARGETS): "incoming" (the persona's subtree receives), "outgoing" (it sends), "own"
(a worker's own transfer), "sibling" and "parent" (neither union in the persona's subtree). The framework
makes the transfer through the real service; `acting` says which halves may call the route ("receiving",
"sending", "member"); every other half, even one that can read the transfer, must be refused and change
nothing. A transfer list (`target="list", list_key="transfer"`) runs over LIST_TRANSFERS, and may name the
unions and members of the transfers the persona sees, nothing else:

    Route(name="api:transfer_accept", method="POST", target="transfer", acting=("receiving",),
          kwargs=lambda transfer: {"transfer_id": transfer.pk}),

`tests/test_permission_matrix.py` then checks (gonghui.core.testing.matrix_run), for each route:

* personas province_cadre, county_cadre, grassroots_cadre and worker, each on the objects of four
  relations to their own place in the tree (TARGETS below): their own ("own"), a sibling subtree's
  ("sibling"), the parent's subtree outside their own ("parent") and another province's ("other_province");
* every role kind no base persona holds (accounts.choices.RoleKind: the auditor, the administrator duties, any
  kind added later) as a generated persona on the county, on the sibling, parent and other-province objects of
  every route: refused like a missing row, nothing changed, nothing named; a role that sees no member (三员)
  is refused its own subtree's members too, and no answer it gets names any member (matrix_roles);
* a cadre gets 200 on their own objects (a write: 2xx, a redirect, or a validation answer) and 404 on the
  others, exactly like a missing object (ARCHITECTURE.md rule 2);
* a worker never reaches the console (302, 403 or 404), never sees an org through the API, and sees only
  their own member record;
* an anonymous caller gets 302/401/403/404 on everything not `public`;
* a list never names an org or member outside the caller's scope;
* no answer anywhere carries a plaintext ID or phone number (unless the route is an audited `unmasks`);
* a refused write changes no row of any gonghui table (core.testing.state.fingerprint);
* on a transfer, only the halves the route names in `acting` may act; a list or a page of a transfer names
  no union or member but those of the transfers the persona sees;
* every URL name under the console, portal and api namespaces has at least one Route.

API routes are called with a bearer token of the persona (accounts.services.api_token_create); console and
portal routes with a signed-in session (client.force_login).
"""
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from gonghui.core.testing import matrix_roles
from gonghui.core.testing.matrix_roles import (  # noqa: F401  (re-exported: tests use matrix.<name>)
    CROSS_RELATIONS, DUTY_PERSONAS, ROLE_PERSONAS,
)
from gonghui.core.testing.matrix_transfers import (  # noqa: F401  (re-exported: tests use matrix.<name>)
    LIST_TRANSFERS, TRANSFER_TARGETS, make_list_transfers, make_transfer, transfers_seen_by,
)

NAMESPACES = ("console", "portal", "api")
PERSONAS = ("province_cadre", "county_cadre", "grassroots_cadre", "worker")
CADRES = ("province_cadre", "county_cadre", "grassroots_cadre")
ANONYMOUS = "anonymous"
RELATIONS = ("own", "sibling", "parent", "other_province")
TARGET_KINDS = ("none", "org", "member", "list", "transfer")
LIST_KEYS = ("org", "member", "transfer")
TRANSFER_RELATIONS = ("incoming", "outgoing", "own", "sibling", "parent", "other_province")
TRANSFER_HALVES = ("receiving", "sending", "member")
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

# The objects each persona acts on, by relation; None: the relation does not exist for that persona.
# The generated role personas (matrix_roles: one per role kind no base persona holds) meet only the relations
# outside their subtree (and, for a role that sees no member, their own subtree's members).
ORG_TARGETS = {
    "province_cadre": {"own": "province", "sibling": "other_province", "parent": None},
    "county_cadre": {"own": "county", "sibling": "sibling_county", "parent": "city"},
    "grassroots_cadre": {"own": "grassroots", "sibling": "sibling_grassroots", "parent": "county"},
    "worker": {"own": "grassroots", "sibling": "sibling_grassroots", "parent": "county"},
}
MEMBER_TARGETS = {
    "province_cadre": {"own": "worker_member", "sibling": "other_province_member", "parent": None},
    "county_cadre": {"own": "worker_member", "sibling": "other_member", "parent": "city_office_member"},
    "grassroots_cadre": {"own": "worker_member", "sibling": "other_member", "parent": "industry_member"},
    "worker": {"own": "worker_member", "sibling": "other_member", "parent": None},
}
for _persona in PERSONAS:
    ORG_TARGETS[_persona]["other_province"] = matrix_roles.OTHER_PROVINCE_ORG[_persona]
    MEMBER_TARGETS[_persona]["other_province"] = matrix_roles.OTHER_PROVINCE_MEMBER[_persona]
for _persona in ROLE_PERSONAS:
    ORG_TARGETS[_persona] = dict(matrix_roles.ROLE_ORG_TARGETS)
    MEMBER_TARGETS[_persona] = dict(matrix_roles.ROLE_MEMBER_TARGETS)
# The org each persona's scope starts at (a worker: the union they belong to).
HOME_ORG = {"province_cadre": "province", "county_cadre": "county", "grassroots_cadre": "grassroots",
            "worker": "grassroots", ANONYMOUS: "county", **{p: matrix_roles.ROLE_HOME for p in ROLE_PERSONAS}}

# ninja's own routes (schema, docs page, root): public and holding no domain rows.
BUILTIN_API_NAMES = ("openapi-json", "openapi-view", "api-root")


@dataclass(frozen=True, kw_only=True)
class Route:
    """One way to call one URL name. See the module docstring."""

    name: str
    method: str = "GET"
    target: str = "none"
    kwargs: Callable[[Any], dict] | None = None
    data: Callable[[Any, Any], dict] | None = None
    list_key: str | None = None
    query: dict | None = None
    public: bool = False
    # An audited unmasking route: its own-scope answer may carry the plaintext number it reveals.
    unmasks: bool = False
    # For target="transfer": the halves of a transfer that may call this route; any other half is refused.
    acting: tuple[str, ...] = TRANSFER_HALVES
    # For routes on other domain rows (a join application, a grant): (world, org_or_member) -> the row,
    # made inside the case's savepoint from the case's target; kwargs and data then receive that row.
    setup: Callable[[Any, Any], Any] | None = None
    # A row only the person who made it may act on (a worker's own join application): every cadre, in scope
    # or not, is refused (403 or 404) and changes nothing.
    applicant_only: bool = False
    # A page of an administrator duty (三员, console.views.duties): no business persona, worker or anonymous
    # caller reaches it (403, or the sign-in page); console/tests/test_duties.py checks the duties themselves.
    admin_only: bool = False
    # Set by the framework for ninja's built-in routes: any answer but a server error is fine.
    builtin: bool = field(default=False, repr=False)

    def __post_init__(self):
        if ":" not in self.name:
            raise ValueError(f"{self.name}: a Route name is namespaced, e.g. 'console:org-detail'")
        if self.target not in TARGET_KINDS:
            raise ValueError(f"{self.name}: target must be one of {TARGET_KINDS}, not {self.target!r}")
        if self.target == "list" and self.list_key not in LIST_KEYS:
            raise ValueError(f"{self.name}: a list route needs list_key in {LIST_KEYS}")
        if not set(self.acting) <= set(TRANSFER_HALVES):
            raise ValueError(f"{self.name}: acting must name halves among {TRANSFER_HALVES}")
        if self.method.upper() not in ("GET", "HEAD", *WRITE_METHODS):
            raise ValueError(f"{self.name}: unknown method {self.method!r}")

    @property
    def namespace(self) -> str:
        return self.name.split(":", 1)[0]

    @property
    def is_write(self) -> bool:
        return self.method.upper() in WRITE_METHODS

    @property
    def label(self) -> str:
        label = self.name
        if self.method.upper() != "GET":
            label += f"-{self.method.upper()}"
        if self.query:
            label += "?" + "&".join(f"{k}={v}" for k, v in sorted(self.query.items()))
        return label


# --- discovering routes ------------------------------------------------------------------------------


def load_routes() -> list[Route]:
    """Every app's `tests/matrix_routes.py` ROUTES, plus ninja's built-in routes nobody declared."""
    import gonghui

    routes: list[Route] = []
    for info in pkgutil.iter_modules(gonghui.__path__):
        if not info.ispkg:
            continue
        module_name = f"gonghui.{info.name}.tests.matrix_routes"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name in (module_name, f"gonghui.{info.name}.tests"):
                continue
            raise
        routes.extend(module.ROUTES)
    declared = {r.name for r in routes}
    for name in sorted(url_names(("api",))):
        if name.split(":", 1)[1] in BUILTIN_API_NAMES and name not in declared:
            routes.append(Route(name=name, builtin=True))
    return routes


def url_names(namespaces=NAMESPACES) -> set[str]:
    """Every named URL pattern under the given top-level namespaces, as 'namespace:name'."""
    names: set[str] = set()

    def walk(patterns, prefix: str | None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace
                inner = prefix if not ns else (f"{prefix}:{ns}" if prefix else ns)
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name and prefix:
                if prefix.split(":", 1)[0] in namespaces:
                    names.add(f"{prefix}:{pattern.name}")

    walk(get_resolver().url_patterns, None)
    return names


def missing_routes(routes: list[Route]) -> list[str]:
    """URL names with no Route: each must be declared in its app's matrix_routes.py."""
    return sorted(url_names() - {r.name for r in routes})


def unknown_routes(routes: list[Route]) -> list[str]:
    """Routes whose name is no URL name any more (renamed or removed views)."""
    return sorted({r.name for r in routes} - url_names({r.namespace for r in routes}))


# --- the world the matrix runs in -------------------------------------------------------------------


def build_matrix_world():
    """The personas' world, a member in each relation the matrix needs, and an API token per persona."""
    from gonghui.accounts.services import api_token_create
    from gonghui.core import idnumber, uscc
    from gonghui.core.testing.personas import build_world
    from gonghui.members.services import member_register
    from gonghui.orgs.choices import OrgKind, OrgLevel
    from gonghui.orgs.services import org_create

    world = build_world()
    world.orgs["city_office"] = org_create(
        parent=world.city, name="成都市机关工会", kind=OrgKind.GRASSROOTS, level=OrgLevel.GRASSROOTS,
        code="5101G1", division_code="510100", uscc=uscc.make("510106", 4), actor=None)
    world.members["industry_member"] = member_register(
        org=world.industry, name="赵敏", id_number=idnumber.make("510104", date(1993, 4, 4), 411),
        phone="13800030003", joined_on=date(2021, 5, 1), actor=None)
    world.members["city_office_member"] = member_register(
        org=world.city_office, name="刘洋", id_number=idnumber.make("510106", date(1979, 11, 30), 512),
        phone="13800040004", joined_on=date(2010, 7, 1), actor=None)
    matrix_roles.add_role_personas(world)
    world.tokens = {
        persona: api_token_create(user=world.users[persona], name="权限矩阵", actor=None)[1]
        for persona in (*PERSONAS, *ROLE_PERSONAS)
    }
    return world


# --- cases ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    route: Route
    persona: str
    relation: str

    @property
    def id(self) -> str:
        return f"{self.route.label}-{self.persona}-{self.relation}"


def cases(routes: list[Route]) -> list[Case]:
    result = []
    for index, route in enumerate(routes):
        if route.builtin:
            result.append(Case(route, ANONYMOUS, "own"))
            continue
        for persona in PERSONAS:
            if route.target in ("org", "member"):
                table = ORG_TARGETS if route.target == "org" else MEMBER_TARGETS
                result.extend(Case(route, persona, rel) for rel in RELATIONS if table[persona][rel] is not None)
            elif route.target == "transfer":
                result.extend(Case(route, persona, rel) for rel in TRANSFER_RELATIONS
                              if TRANSFER_TARGETS[persona].get(rel) is not None)
            else:
                result.append(Case(route, persona, "own"))
        if not route.public:  # a public route is the same for every role
            result.extend(Case(route, persona, rel) for persona, rel in matrix_roles.role_cases(index, route.target))
        result.append(Case(route, ANONYMOUS, "own"))
    return result


def target_of(world, case: Case):
    """The object the case acts on: an Org, a Member, or (for 'none' and 'list') the caller's home org.

    A transfer target is made here, so call this once per case (check does), inside the case's savepoint.
    """
    route, persona = case.route, case.persona
    if route.target == "transfer":
        table = TRANSFER_TARGETS.get(persona, TRANSFER_TARGETS["county_cadre"])
        spec = table.get(case.relation) or table[next(r for r in TRANSFER_RELATIONS if table.get(r))]
        return make_transfer(world, *spec)
    if route.target == "org":
        return world.orgs[ORG_TARGETS.get(persona, ORG_TARGETS["county_cadre"])[case.relation]]
    if route.target == "member":
        return world.members[MEMBER_TARGETS.get(persona, MEMBER_TARGETS["county_cadre"])[case.relation]]
    return world.orgs[HOME_ORG[persona]]


# --- what each case must get ------------------------------------------------------------------------

OK, HIDDEN, DENIED, ANY = "ok", "hidden", "denied", "any"


def expectation(case: Case) -> str:
    """OK (allowed), HIDDEN (404 like a missing row), DENIED (no access at all) or ANY (no server error)."""
    route, persona, relation = case.route, case.persona, case.relation
    if route.builtin:
        return ANY
    if persona == ANONYMOUS:
        return (OK if not route.is_write else ANY) if route.public else DENIED
    if route.public:
        return ANY
    if persona in ROLE_PERSONAS:
        return matrix_roles.role_expectation(case, HIDDEN, DENIED, ANY)
    ns = route.namespace
    if route.target == "transfer":
        return _transfer_expectation(case)
    if route.admin_only:
        return DENIED
    if route.applicant_only and persona in CADRES:
        return HIDDEN
    if persona in CADRES:
        if ns == "portal":
            # The portal shows a signed-in person their own rows only; a cadre's scope means nothing there.
            return ANY if route.target in ("none", "list") or relation == "own" else HIDDEN
        if route.target in ("org", "member"):
            return OK if relation == "own" else HIDDEN
        return OK
    # a worker
    if ns == "console":
        return DENIED
    if ns == "api":
        if route.target == "org":
            return DENIED
        if route.target == "member":
            return OK if relation == "own" else HIDDEN
        return ANY
    # portal
    if route.target == "member":
        return OK if relation == "own" else HIDDEN
    return OK if route.target in ("none", "list") else ANY


_HALF_OF_RELATION = {"incoming": "receiving", "outgoing": "sending", "own": "member"}


def _transfer_expectation(case: Case) -> str:
    """A half in `acting` may act; a half that sees the transfer but may not act is refused (403 or 404, and a
    refused read is a 404); a persona who sees neither union gets 404. The portal serves the member only."""
    route, persona, relation = case.route, case.persona, case.relation
    if persona in CADRES and route.namespace == "portal":
        return HIDDEN
    if persona not in CADRES and route.namespace == "console":
        return DENIED
    half = _HALF_OF_RELATION.get(relation)
    return OK if half is not None and half in route.acting else HIDDEN


def foreign_strings(world, case: Case, transfers=()) -> list[str]:
    """Names (and masked numbers) that must not appear in the answer: rows outside the caller's scope.

    Orgs above the caller's home org are not foreign: breadcrumbs and a member's own union line show them.
    A worker sees no org at all through an API org list; an anonymous caller sees no row at all.
    The unions and members of `transfers` (the transfers the answer may show) are not foreign either.
    """
    persona, route = case.persona, case.route
    orgs, members = list(world.orgs.values()), dict(world.members)
    if persona == ANONYMOUS:
        return [o.name for o in orgs] + [s for m in members.values() for s in (m.name, m.id_number_masked)]
    home = world.orgs[HOME_ORG[persona]]
    no_orgs = persona == "worker" and route.namespace == "api" and route.list_key == "org"
    foreign_orgs = [o for o in orgs
                    if no_orgs or not (o.path.startswith(home.path) or home.path.startswith(o.path))]
    if persona == "worker":
        foreign_members = [m for key, m in members.items() if key != "worker_member"]
    elif persona in ROLE_PERSONAS:
        foreign_members = matrix_roles.foreign_members_of(world, persona, home)
    else:
        foreign_members = [m for m in members.values() if not m.org.path.startswith(home.path)]
    shown_orgs = {pk for t in transfers for pk in (t.from_org_id, t.to_org_id)}
    shown_members = {t.member_id for t in transfers}
    foreign_orgs = [o for o in foreign_orgs if o.pk not in shown_orgs]
    foreign_members = [m for m in foreign_members if m.pk not in shown_members]
    return [o.name for o in foreign_orgs] + [s for m in foreign_members for s in (m.name, m.id_number_masked)]


def secret_strings(world) -> list[str]:
    """Plaintext ID and phone numbers of everyone in the world: never in any answer."""
    values = []
    for member in world.members.values():
        values.append(member.id_number)
        if member.phone:
            values.append(member.phone)
    for user in world.users.values():
        if user.phone:
            values.append(user.phone)
    return sorted(set(values))
