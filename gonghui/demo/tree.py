"""The orgs of one county: federation, townships, industry and regional unions, grassroots unions, branches.

Orgs are built in memory with their ids, paths and depths already set, exactly as org_create would leave
them ("/<id>/<id>/"), so the writer can insert a county in a few statements.
"""
import random
import re
from dataclasses import dataclass, field
from datetime import date

from gonghui.core import uscc
from gonghui.demo import vocab
from gonghui.demo.people import AS_OF, OrgProfile, person_name, random_date
from gonghui.orgs.choices import OrgKind, OrgLevel
from gonghui.orgs.divisions import Division
from gonghui.orgs.models import Org

_USCC_SPACE = 31**9
_USCC_STEP = 1103515245  # not a multiple of 31: serial k → k·step + offset never repeats a code
_SUFFIX = re.compile(r"(?:[\u4e00-\u9fff]{1,3}族)*(?:自治县|自治旗|特区|林区|新区|县|区|市|旗)$")


def short_name(name: str) -> str:
    """"锦江区" → "锦江", "北川羌族自治县" → "北川": the form an employer puts before its 字号."""
    short = _SUFFIX.sub("", name)
    return short if len(short) >= 2 else name


class Counter:
    def __init__(self, start: int = 0):
        self.value = start

    def next(self) -> int:
        self.value += 1
        return self.value


@dataclass
class Tree:
    """Ids and credit-code serials shared by every county, so both stay unique across the province."""

    seed: int
    ids: Counter
    province_short: str = ""
    serials: Counter = field(default_factory=Counter)

    def __post_init__(self):
        self.uscc_offset = random.Random(f"uscc/{self.seed}").randrange(_USCC_SPACE)

    def org(self, parent: Org | None, name: str, kind: str, level: str, code: str, division: str, **extra) -> Org:
        org = Org(id=self.ids.next(), parent=parent, name=name, kind=kind, level=level, code=code,
                  division_code=division, **extra)
        org.path = f"{parent.path if parent else '/'}{org.id}/"
        org.depth = parent.depth + 1 if parent else 0
        return org

    def uscc(self, division: str, unit_type: str, rng: random.Random) -> str:
        department, kind = {
            "government": ("1", "1"), "institution": ("1", "2"), "social": ("5", rng.choice("12")),
        }.get(unit_type, ("9", "1"))
        serial = (self.serials.next() * _USCC_STEP + self.uscc_offset) % _USCC_SPACE
        return uscc.make(division, serial, department=department, kind=kind)


@dataclass
class Grassroots:
    """A grassroots union before it becomes an Org: its employer and the share of members it draws."""

    parent: Org
    employer: str
    industry: str
    unit_type: str
    ownership: str
    township: str
    weight: float
    form: str = ""
    founded: tuple[int, int] = (1985, 2024)


@dataclass
class CountyPlan:
    orgs: list[Org] = field(default_factory=list)
    # (org, active members directly in it, what shapes those members)
    members: list[tuple[Org, int, OrgProfile]] = field(default_factory=list)
    first_enterprise: Org | None = None
    courier_union: Org | None = None


def build_county(tree: Tree, rng: random.Random, *, county: Division, city: Division | None, parent: Org,
                 townships: list[Division], grassroots: int, members: int, own_federation: bool = True) -> CountyPlan:
    """Plan one county with `grassroots` grassroots unions and `members` active members in all."""
    plan = CountyPlan()
    place = short_name(county.name)
    city_name = city.name if city and not city.placeholder else ""
    code = county.code
    if own_federation:
        fed = tree.org(parent, f"{county.name}总工会", OrgKind.FEDERATION, OrgLevel.COUNTY, code, code,
                       founded_on=random_date(rng, date(1950, 1, 1), date(1985, 12, 31)),
                       chair_name=_chair(rng), address=f"{city_name}{county.name}{_road(rng)}")
        plan.orgs.append(fed)
    else:  # a city without counties (东莞): its townships hang from the city federation itself
        fed = parent
    urban = county.name.endswith("区")

    towns: list[tuple[Division, Org]] = []
    for township in townships:
        suffix = "工会" if township.name.endswith("街道") else "总工会"
        org = tree.org(fed, f"{township.name}{suffix}", OrgKind.TOWNSHIP, OrgLevel.TOWNSHIP, township.code,
                       township.code, founded_on=random_date(rng, date(1985, 1, 1), date(2008, 12, 31)),
                       chair_name=_chair(rng), address=f"{county.name}{township.name}{_road(rng)}")
        plan.orgs.append(org)
        towns.append((township, org))
    seat = towns[0][0].name if towns else ""

    industry_specs = [("快递行业工会联合会", "courier"), ("网约车行业工会联合会", "ride_hailing")]
    if urban:
        industry_specs.append(("外卖配送行业工会联合会", "rider"))
    if rng.random() < 0.5:
        industry_specs.append(("建筑行业工会联合会", ""))
    industries = []
    for n, (label, form) in enumerate(industry_specs, start=1):
        org = tree.org(fed, f"{county.name}{label}", OrgKind.INDUSTRY, OrgLevel.COUNTY, f"{code}I{n:02d}", code,
                       new_forms=bool(form), organised_forms=[form] if form else [],
                       founded_on=random_date(rng, date(2018, 1, 1), date(2023, 12, 31)),
                       chair_name=_chair(rng), address=f"{county.name}{seat}{_road(rng)}")
        plan.orgs.append(org)
        industries.append((org, form))
    plan.courier_union = industries[0][0]

    regional_labels = ["工业园区工会联合会"] + (["商务楼宇工会联合会"] if urban else [])
    regionals = []
    for n, label in enumerate(regional_labels, start=1):
        org = tree.org(fed, f"{place}{label}", OrgKind.REGIONAL, OrgLevel.COUNTY, f"{code}R{n:02d}", code,
                       founded_on=random_date(rng, date(2005, 1, 1), date(2020, 12, 31)), chair_name=_chair(rng),
                       address=f"{county.name}{seat}{_road(rng)}")
        plan.orgs.append(org)
        regionals.append(org)

    specs = _grassroots_specs(tree, rng, fed, county, place, towns, industries, regionals, grassroots)
    _allocate(tree, rng, plan, specs, industries, members, county, city_name)
    return plan


def _grassroots_specs(tree, rng, fed, county, place, towns, industries, regionals, total) -> list[Grassroots]:
    public: list[Grassroots] = []
    seat = towns[0][0].name if towns else ""
    for bureau in vocab.BUREAUS[: max(2, min(len(vocab.BUREAUS), total // 40))]:
        public.append(Grassroots(fed, f"{county.name}{bureau}", "S9221", "government", "", seat, 40.0, "",
                                 (1980, 2000)))
    # Weights are on the enterprises' scale (a lognormal with median 20): a county hospital is a big employer.
    institutions = [("人民医院", "Q8411", 600.0), ("中医医院", "Q8412", 300.0), ("实验小学", "P8321", 90.0)]
    institutions += [(f"第{vocab.ORDINALS[i]}中学", "P8332", 150.0) for i in range(max(1, min(6, total // 150)))]
    for label, industry, weight in institutions:
        public.append(Grassroots(fed, f"{county.name}{label}", industry, "institution", "", seat, weight, "",
                                 (1980, 2005)))
    for township, org in towns:
        street = township.name.endswith("街道")
        public.append(Grassroots(org, f"{county.name}{township.name}{'办事处' if street else '人民政府'}", "S9221",
                                 "government", "", township.name, 25.0, "", (1985, 2005)))
        if street:
            public.append(Grassroots(org, f"{county.name}{township.name}社区卫生服务中心", "Q8421", "institution", "",
                                     township.name, 30.0, "", (1995, 2015)))
        else:
            public.append(Grassroots(org, f"{county.name}{township.name}卫生院", "Q8423", "institution", "",
                                     township.name, 30.0, "", (1985, 2010)))
            public.append(Grassroots(org, f"{county.name}{township.name}中心小学", "P8321", "institution", "",
                                     township.name, 40.0, "", (1985, 2010)))
    public = public[: max(1, total // 4)]

    specs = list(public)
    used = {g.employer for g in specs}
    trades = vocab.ENTERPRISE_TRADES
    trade_weights = [t[3] for t in trades]
    town_weights = [3 if t.name.endswith("街道") else 2 if t.name.endswith("镇") else 1 for t, _o in towns]
    new_form_parents = [(org, form) for org, form in industries if form]
    while len(specs) < total:
        if rng.random() < 0.03:
            society = f"{county.name}{rng.choice(vocab.SOCIETIES)}"
            if society not in used:
                used.add(society)
                specs.append(Grassroots(fed, society, "S9522", "social", "", seat, 15.0, "", (1995, 2020)))
            continue
        trade, unit_type = rng.choices(trades, trade_weights)[0], "enterprise"
        parent, township, form, founded = None, seat, "", (1990, 2024)
        if unit_type == "enterprise" and new_form_parents and rng.random() < 0.02:
            parent, form = rng.choice(new_form_parents)
            trade = {"courier": ("G6020", "{brand}快递服务有限公司", "courier", 1),
                     "ride_hailing": ("G5413", "{brand}汽车服务有限公司", "ride_hailing", 1),
                     "rider": ("G6020", "{brand}即时配送服务有限公司", "rider", 1)}[form]
            founded = (2018, 2024)
        elif unit_type == "enterprise" and regionals and rng.random() < 0.08:
            parent = rng.choice(regionals)
        elif towns:
            township_div, parent = rng.choices(towns, town_weights)[0]
            township = township_div.name
        else:
            parent = fed
        employer = _employer(rng, trade[1], (place, place, tree.province_short or place), used)
        if employer is None:
            continue
        weight = rng.lognormvariate(3.0, 1.2)
        ownership = rng.choices(
            ("private", "state", "collective", "mixed", "foreign", "hmt", "other"), (74, 9, 3, 8, 3, 2, 1))[0]
        specs.append(Grassroots(parent, employer, trade[0], unit_type, ownership, township, weight,
                                form or trade[2], founded))
    return specs[:total]


def _employer(rng, pattern: str, prefixes: tuple[str, ...], used: set) -> str | None:
    for _attempt in range(20):
        brand = rng.choice(vocab.BRAND_CHARS) + rng.choice(vocab.BRAND_CHARS)
        if brand[0] == brand[1]:
            continue
        name = rng.choice(prefixes) + pattern.format(brand=brand)
        if name not in used:
            used.add(name)
            return name
    return None


def _allocate(tree: Tree, rng, plan: CountyPlan, specs: list[Grassroots], industries, members: int,
              county: Division, city_name: str) -> None:
    """Share the county's members out: a few straight into new-forms unions, the rest by employer size."""
    direct_orgs = [(org, form) for org, form in industries if form]
    direct_total = round(members * 0.04) if direct_orgs else 0
    shares = split(direct_total, [1.0] * len(direct_orgs))
    for (org, form), n in zip(direct_orgs, shares, strict=True):
        org.member_count = n
        platform = {"courier": "某同城配送平台", "rider": "某即时配送平台", "ride_hailing": "某网约车平台"}[form]
        plan.members.append((org, n, OrgProfile(county.code, org.founded_on, platform, "enterprise", form,
                                                platform, 0.65)))
    rest = members - direct_total
    floor = min(3, rest // max(len(specs), 1))
    counts = [floor + n for n in split(rest - floor * len(specs), [g.weight for g in specs])]
    for spec, n in zip(specs, counts, strict=True):
        founded = random_date(rng, date(spec.founded[0], 1, 1), date(spec.founded[1], 12, 31))
        employees = max(n, int(n / rng.uniform(0.75, 0.98)) + rng.randrange(3)) if n else rng.randrange(3, 25)
        org = tree.org(
            spec.parent, f"{spec.employer}工会", OrgKind.GRASSROOTS, OrgLevel.GRASSROOTS, "", county.code,
            new_forms=bool(spec.form), founded_on=founded,
            chair_name=_chair(rng), address=f"{city_name}{county.name}{spec.township}{_road(rng)}",
            employer_name=spec.employer, uscc=tree.uscc(county.code, spec.unit_type, rng),
            industry_code=spec.industry, unit_type=spec.unit_type, ownership=spec.ownership,
            employee_count=employees, small_micro=spec.unit_type == "enterprise" and employees < 100,
        )
        org.code = f"{county.code}G{org.id:07d}"
        plan.orgs.append(org)
        migrant = {"government": 0.0, "institution": 0.02, "social": 0.05}.get(
            spec.unit_type, 0.45 if spec.industry[0] in "BCE" else 0.6 if spec.form else 0.2)
        profile = OrgProfile(county.code, founded, spec.employer, spec.unit_type, spec.form, "", migrant)
        if plan.first_enterprise is None and spec.unit_type == "enterprise" and n >= 2 and not spec.form:
            plan.first_enterprise = org
        names = vocab.BRANCH_NAMES.get(spec.industry[0], vocab.BRANCH_NAMES[""])
        branches = min(len(names), n // 100) if n >= 200 else 0
        if not branches:
            org.member_count = n
            plan.members.append((org, n, profile))
            continue
        parts = split(n, [2.0] + [rng.uniform(0.5, 1.5) for _b in range(branches)])
        org.member_count = parts[0]
        plan.members.append((org, parts[0], profile))
        for k, (label, m) in enumerate(zip(rng.sample(names, branches), parts[1:], strict=True), start=1):
            branch = tree.org(org, f"{spec.employer}工会{label}", OrgKind.BRANCH, OrgLevel.GRASSROOTS,
                              f"{org.code}B{k}", county.code, new_forms=org.new_forms, chair_name=_chair(rng),
                              founded_on=random_date(rng, founded, AS_OF), address=org.address, member_count=m)
            plan.orgs.append(branch)
            plan.members.append((branch, m, profile))


def split(total: int, weights: list[float]) -> list[int]:
    """Whole numbers in proportion to `weights` that add up to `total` exactly (largest remainder)."""
    if not weights or total <= 0:
        return [0] * len(weights)
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    counts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: counts[i] - exact[i])
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _chair(rng) -> str:
    return person_name(rng, rng.random() < 0.6)


def _road(rng) -> str:
    return f"{rng.choice(vocab.ROADS)}{rng.choice(('路', '街', '大道'))}{rng.randrange(1, 400)}号"
