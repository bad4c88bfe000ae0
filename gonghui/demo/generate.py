"""Demo data: a province's union tree on real GB/T 2260 divisions, synthetic members and demo sign-ins.

`generate()` is deterministic for a seed: names, codes, ID numbers and phones repeat exactly; only the
encrypted bytes differ (random nonces). It writes in bulk (see writer.py), in one transaction, into an
empty database; the tree it leaves is the one org_create and member_register would have built.
"""
import random
import sys
import time
from collections import Counter as Tally
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Max

from gonghui.core import audit
from gonghui.demo.logins import Login, create_logins
from gonghui.demo.people import WORKER_PHONES, EthnicMix, People, random_date
from gonghui.demo.tree import Counter, Tree, build_county, short_name, split
from gonghui.demo.writer import Writer, analyze
from gonghui.members.models import Member
from gonghui.orgs import divisions
from gonghui.orgs.choices import OrgKind, OrgLevel
from gonghui.orgs.divisions import Division
from gonghui.orgs.models import Org
from gonghui.stats.rebuild import rebuild as stats_rebuild

SCALES = ("county", "city", "province")
DEFAULT_SEED = 2026
# Sichuan reports about 141,400 grassroots unions; the province scale stays near that and, with the
# federations, townships, industry and regional unions, passes the 150,000 orgs the tree must serve.
PROVINCE_GRASSROOTS = 147_000
PROVINCE_MEMBERS = 2_000_000
COUNTY_GRASSROOTS = 600
COUNTY_MEMBERS = 60_000


class NotEmpty(Exception):
    pass


@dataclass
class CountyTarget:
    city: Division
    county: Division
    grassroots: int
    members: int


@dataclass
class Result:
    province: Org
    orgs: Tally = field(default_factory=Tally)  # (kind, level) → count
    members: int = 0
    logins: list[Login] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def org_total(self) -> int:
        return sum(self.orgs.values())


def plan(province: Division, scale: str, *, members: int | None = None,
         grassroots: int | None = None) -> list[CountyTarget]:
    """Which counties to build and how big: the province's share per county, weighted by towns and town size."""
    if scale not in SCALES:
        raise ValueError(scale)
    cities = divisions.cities(province)
    capital = cities[0]  # every provincial capital holds the first city code (xx01)
    if scale == "county":
        county = divisions.counties(capital)[0]
        return [CountyTarget(capital, county, grassroots or COUNTY_GRASSROOTS, COUNTY_MEMBERS if members is None
                             else members)]
    entries, weights = [], []
    for city in cities:
        for county in divisions.counties(city):
            factor = 3.0 if city is capital and county.name.endswith("区") else (
                1.6 if county.name.endswith("区") else 1.3 if county.name.endswith("市") else 1.0)
            if "自治州" in city.name:
                factor *= 0.5
            entries.append((city, county))
            weights.append((len(divisions.townships(county)) + 3) * factor)
    g_total = grassroots or PROVINCE_GRASSROOTS
    m_total = PROVINCE_MEMBERS if members is None else members
    if scale == "city":  # the capital's share of the province, unless the numbers asked for are the city's
        keep = [i for i, (c, _k) in enumerate(entries) if c is capital]
        share = sum(weights[i] for i in keep) / sum(weights)
        entries, weights = [entries[i] for i in keep], [weights[i] for i in keep]
        g_total = grassroots or round(PROVINCE_GRASSROOTS * share)
        m_total = round(PROVINCE_MEMBERS * share) if members is None else members
    targets = [CountyTarget(city, county, g, m) for (city, county), g, m in
               zip(entries, split(g_total, weights), split(m_total, weights), strict=True)]
    return targets


def generate(*, province: str = "四川", scale: str = "county", seed: int = DEFAULT_SEED,
             members: int | None = None, grassroots: int | None = None, progress=sys.stderr) -> Result:
    if Org.objects.exists() or Member.objects.exists():
        raise NotEmpty(Org.objects.count())
    started = time.monotonic()
    division = divisions.province(province)
    targets = plan(division, scale, members=members, grassroots=grassroots)
    expected = sum(t.members for t in targets)
    writer = Writer(expected_members=expected, progress=progress)
    people = People(seed)
    with transaction.atomic():
        writer.start()
        start_id = Org.objects.aggregate(m=Max("id"))["m"] or 0
        tree = Tree(seed, Counter(start_id), province_short=short_name(division.name.removesuffix("省")))
        rng = random.Random(f"{seed}/{division.code}")
        root = tree.org(None, f"{division.name}总工会", OrgKind.FEDERATION, OrgLevel.PROVINCE, division.code,
                        division.division_code, founded_on=random_date(rng, date(1950, 1, 1), date(1955, 12, 31)))
        result = Result(province=root)
        _count(result, [root])
        writer.orgs([root])
        demo: dict = {"province": root}
        city_orgs: dict[str, Org] = {}
        for target in targets:
            city, county = target.city, target.county
            if city.code not in city_orgs:
                city_orgs[city.code] = _city_org(tree, rng, root, city)
                if city_orgs[city.code] is not root:
                    writer.orgs([city_orgs[city.code]])
                    _count(result, [city_orgs[city.code]])
                    demo.setdefault("city", city_orgs[city.code])
            county_rng = random.Random(f"{seed}/{county.code}")
            own_federation = not (county.code.endswith("00") and len(divisions.counties(city)) == 1)
            county_plan = build_county(
                tree, county_rng, county=county, city=city, parent=city_orgs[city.code],
                townships=divisions.townships(county), grassroots=target.grassroots, members=target.members,
                own_federation=own_federation,
            )
            writer.orgs(county_plan.orgs)
            _count(result, county_plan.orgs)
            first = "county" not in demo
            if first:
                demo["county"] = county_plan.orgs[0] if own_federation else city_orgs[city.code]
                demo["grassroots"] = county_plan.first_enterprise
                demo["workers"] = [(WORKER_PHONES[0], county_plan.first_enterprise),
                                   (WORKER_PHONES[1], county_plan.courier_union)]
            people.start_county(county.code)
            member_rng = random.Random(f"{seed}/{county.code}/members")
            ethnic = EthnicMix(division.code, county.name, city.name)
            for org, count, profile in county_plan.members:
                if first and count and any(org is o for _p, o in demo["workers"]):
                    people.reserved_phones = [p for p, o in demo["workers"] if o is org]
                writer.members(people.rows(member_rng, org.id, profile, ethnic, count))
            result.members += sum(count for _o, count, _p in county_plan.members)
        writer.finish()
        stats_rebuild()  # the figures of every node, set-wise from the rows just written (gonghui.stats)
        result.logins = create_logins(province=root, city=demo.get("city"), county=demo["county"],
                                      grassroots=demo.get("grassroots"), workers=demo["workers"])
        audit.record(actor=None, action="demo.generate", obj=root, org_path=root.path, after={
            "province": division.name, "scale": scale, "seed": seed, "members": result.members,
            "orgs": {f"{kind}/{level}": n for (kind, level), n in sorted(result.orgs.items())},
        })
    analyze()
    result.seconds = time.monotonic() - started
    return result


def _city_org(tree: Tree, rng: random.Random, root: Org, city: Division) -> Org:
    """The city federation; a municipality's district group or a directly governed group has none."""
    if city.placeholder:
        return root
    return tree.org(root, f"{city.name}总工会", OrgKind.FEDERATION, OrgLevel.CITY, city.code, city.division_code,
                    founded_on=random_date(rng, date(1950, 1, 1), date(1985, 12, 31)))


def _count(result: Result, orgs: list[Org]) -> None:
    result.orgs.update((o.kind, o.level) for o in orgs)
