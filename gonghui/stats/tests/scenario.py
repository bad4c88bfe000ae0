"""A union tree and a random history for the exactness tests, built only through the real services.

Past days get the operations that carry their own date (joins, transfers, retaining, withdrawing, striking
off, founding and closing unions), in date order: in months before the current one and in the current month's
days before today; today also gets those dated today by the services themselves (record edits, moves and
merges of subtrees, approved join applications, roster imports). At the end of chosen past days — two random
days inside each month, each month's last day, yesterday if it is in the current month — the scenario records
the live figures (counted from the raw rows as they stood then) and the flows of periods ending that day, so
the tallies' as-of figures can later be compared with what was true at the time.
"""
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise

from django.db.models import Count
from django.utils import timezone

from gonghui.core import idnumber, uscc
from gonghui.members.choices import MembershipChange, MembershipChangeReason, MemberStatus
from gonghui.members.models import Member, MembershipEvent
from gonghui.members.services import member_join, member_update, membership_end, membership_transfer
from gonghui.orgs.choices import OrgKind, OrgLevel, OrgStatus
from gonghui.orgs.models import Org
from gonghui.orgs.services import org_close, org_create, org_merge, org_move
from gonghui.stats import live, tally
from gonghui.stats.figures import FLOW_KEYS, STOCK_KEYS, age_band
from gonghui.stats.periods import add_months, month_end, month_of

FOUNDED = date(2010, 1, 1)
ETHNICITIES = ["01", "01", "01", "03", "08", "11"]
EDUCATION = ["10", "20", "30", "40", "60", "70", "80", "90", ""]
EMPLOYMENT = ["1", "1", "1", "2", "3", "4", "5", "8", "9"]
FORMS = ["", "", "", "courier", "rider", "ride_hailing", "truck", "live_streamer", "domestic", "other"]
POLITICAL = ["01", "02", "03", "13", ""]


@dataclass
class Scenario:
    rng: random.Random
    province: Org = None
    counties: list = field(default_factory=list)
    townships: list = field(default_factory=list)
    serial: int = 0
    snapshots: dict = field(default_factory=dict)  # day → {org_id: live figures at that day's end}
    flow_snapshots: dict = field(default_factory=dict)  # (start, end) → {org_id: live flows of those days}

    # --- the tree ---------------------------------------------------------------------------------------------

    def org(self, parent, kind, level, **extra) -> Org:
        self.serial += 1
        code = f"T{self.serial:05d}"
        if kind == OrgKind.GRASSROOTS:
            extra = {"uscc": uscc.make("510104", self.serial), "employee_count": self.rng.randint(0, 300),
                     "employer_name": f"单位{self.serial}", **extra}
        extra.setdefault("founded_on", FOUNDED)
        return org_create(parent=parent, name=f"工会{self.serial}", kind=kind, level=level, code=code,
                          division_code="510104", actor=None, **extra)

    def build(self) -> None:
        self.province = self.org(None, OrgKind.FEDERATION, OrgLevel.PROVINCE)
        for _c in range(2):
            city = self.org(self.province, OrgKind.FEDERATION, OrgLevel.CITY)
            for _k in range(2):
                county = self.org(city, OrgKind.FEDERATION, OrgLevel.COUNTY)
                self.counties.append(county)
                self.org(county, OrgKind.INDUSTRY, OrgLevel.COUNTY, new_forms=True)
                for _t in range(2):
                    township = self.org(county, OrgKind.TOWNSHIP, OrgLevel.TOWNSHIP)
                    self.townships.append(township)
                    for _g in range(2):
                        union = self.org(township, OrgKind.GRASSROOTS, OrgLevel.GRASSROOTS,
                                         new_forms=self.rng.random() < 0.2)
                        if self.rng.random() < 0.3:
                            self.org(union, OrgKind.BRANCH, OrgLevel.GRASSROOTS)

    def unions(self) -> list[Org]:
        return list(Org.objects.filter(path__startswith=self.province.path, kind=OrgKind.GRASSROOTS,
                                       status=OrgStatus.ACTIVE).order_by("pk"))

    # --- people -----------------------------------------------------------------------------------------------

    def person(self) -> str:
        self.serial += 1
        born = date(1955 + self.rng.randint(0, 50), self.rng.randint(1, 12), self.rng.randint(1, 28))
        return idnumber.make("510104", born, self.serial % 1000)

    def attributes(self) -> dict:
        r = self.rng
        return {"ethnicity": r.choice(ETHNICITIES), "education": r.choice(EDUCATION),
                "political_status": r.choice(POLITICAL), "employment_status": r.choice(EMPLOYMENT),
                "migrant_worker": r.random() < 0.3, "employment_form": r.choice(FORMS)}

    def join(self, on: date) -> None:
        member_join(org=self.rng.choice(self.unions()), name=f"会员{self.serial}", id_number=self.person(),
                    joined_on=on, actor=None, **self.attributes())

    def members(self, *statuses) -> list[Member]:
        return list(Member.objects.filter(org__path__startswith=self.province.path, status__in=statuses)
                    .order_by("pk"))

    # --- one random operation ---------------------------------------------------------------------------------

    def dated_operation(self, on: date) -> None:
        r = self.rng
        op = r.choices(["join", "transfer", "retain", "withdraw", "strike", "rejoin", "found", "close"],
                       weights=[10, 3, 2, 2, 1, 1, 1, 1])[0]
        held = self.members(MemberStatus.ACTIVE, MemberStatus.RETAINED)
        if op == "join" or not held:
            self.join(on)
        elif op == "transfer":
            member = r.choice(held)
            to = r.choice([u for u in self.unions() if u.pk != member.org_id])
            membership_transfer(member=member, to_org=to, on=on, actor=None)
        elif op == "retain":
            active = self.members(MemberStatus.ACTIVE)
            if active:
                membership_end(member=r.choice(active), kind=MembershipChange.RETAIN, reason_code="", on=on,
                               actor=None)
        elif op in ("withdraw", "strike"):
            kind = MembershipChange.WITHDRAW if op == "withdraw" else MembershipChange.STRIKE_OFF
            reason = MembershipChangeReason.DECEASED if op == "strike" and r.random() < 0.5 else ""
            membership_end(member=r.choice(held), kind=kind, reason_code=reason, on=on, actor=None)
        elif op == "rejoin":
            gone = self.members(MemberStatus.LEFT, MemberStatus.STRUCK_OFF)
            if gone:
                person = r.choice(gone)
                member_join(org=r.choice(self.unions()), name=person.name, id_number=person.id_number,
                            joined_on=on, actor=None)
        elif op == "found":
            self.org(r.choice(self.townships), OrgKind.GRASSROOTS, OrgLevel.GRASSROOTS, founded_on=on)
        elif op == "close":
            empty = [u for u in self.unions() if u.member_count == 0 and not u.children.exists()]
            if empty:
                org_close(org=r.choice(empty), actor=None, on=on)

    def today_operation(self, tmp_path) -> None:
        r = self.rng
        op = r.choice(["edit", "edit", "move", "merge", "dated"])
        today = timezone.localdate()
        if op == "edit":
            held = self.members(MemberStatus.ACTIVE, MemberStatus.RETAINED)
            if held:
                member_update(member=r.choice(held), actor=None, **self.attributes())
        elif op == "move":
            township = r.choice(self.townships)
            township.refresh_from_db()
            county = r.choice([c for c in self.counties if c.pk != township.parent_id])
            org_move(org=township, new_parent=county, actor=None)
        elif op == "merge":
            unions = self.unions()
            source, target = r.sample(unions, 2)
            if not target.path.startswith(source.path):
                org_merge(source=source, target=target, actor=None)
        else:
            self.dated_operation(today)

    # --- the record of what was true ---------------------------------------------------------------------------

    def snapshot(self, day: date) -> None:
        """Live figures of every org at the end of `day`, counted from the rows as they stand now, and the flows
        of the days since the previous snapshot and since the one before it (which crosses a month end)."""
        earlier = sorted(self.snapshots)[-2:]
        starts = {d + timedelta(days=1) for d in earlier} or {day.replace(day=1)}
        self.snapshots[day] = self.live_now(day.year)
        for start in starts:
            self.flow_snapshots[(start, day)] = self.live_flows(start, day)

    # live.live_figures and live.live_flows for every node at once: the same aggregates (stats.live) per union,
    # summed up the tree here, so a snapshot costs a few queries rather than a dozen per org.

    def _nodes(self) -> dict[int, list[int]]:
        """org id → the ids of the org and its ancestors within the province."""
        return {pk: tally.path_ids(path) for pk, path in
                Org.objects.filter(path__startswith=self.province.path).values_list("pk", "path")}

    def live_now(self, year: int) -> dict[int, dict[str, int]]:
        nodes = self._nodes()
        figures = {pk: Counter(dict.fromkeys(STOCK_KEYS, 0)) for pk in nodes}
        own = Org.objects.filter(pk__in=nodes).values("pk").annotate(**live.org_aggregates())
        members = Member.objects.filter(org_id__in=nodes).values("org_id").annotate(**live.member_aggregates())
        ages = (Member.objects.filter(org_id__in=nodes, status=MemberStatus.ACTIVE)
                .values_list("org_id", "birth_date__year").annotate(n=Count("pk")))
        for row in [*own, *members]:
            unit = row.pop("pk", None) or row.pop("org_id")
            for node in nodes[unit]:
                figures[node].update(row)
        for unit, born, n in ages:
            for node in nodes[unit]:
                figures[node][age_band(year - born)] += n
        return {pk: dict(row) for pk, row in figures.items()}

    def live_flows(self, start: date, end: date) -> dict[int, dict[str, int]]:
        nodes = self._nodes()
        flows = {pk: Counter(dict.fromkeys(FLOW_KEYS, 0)) for pk in nodes}
        events = MembershipEvent.objects.filter(on__gte=start, on__lte=end)
        keys = {MembershipChange.JOIN: "joined", MembershipChange.WITHDRAW: "left",
                MembershipChange.STRIKE_OFF: "left", MembershipChange.RETAIN: "retained"}
        for unit, kind, form in events.filter(kind__in=keys).values_list("org_id", "kind", "member__employment_form"):
            for node in nodes.get(unit, ()):
                flows[node][keys[kind]] += 1
                flows[node]["joined_new_forms"] += kind == MembershipChange.JOIN and form != ""
        moves = list(events.filter(kind__in=[MembershipChange.TRANSFER_OUT, MembershipChange.TRANSFER_IN])
                     .order_by("member_id", "on", "id").values_list("member_id", "kind", "org_id"))
        for (m1, k1, source), (m2, k2, target) in pairwise(moves):
            if m1 == m2 and (k1, k2) == (MembershipChange.TRANSFER_OUT, MembershipChange.TRANSFER_IN):
                here, there = set(nodes.get(source, ())), set(nodes.get(target, ()))
                for node in here - there:
                    flows[node]["transferred_out"] += 1
                for node in there - here:
                    flows[node]["transferred_in"] += 1
        for unit in Org.objects.filter(pk__in=nodes, kind=OrgKind.GRASSROOTS, founded_on__gte=start,
                                       founded_on__lte=end).values_list("pk", flat=True):
            for node in nodes[unit]:
                flows[node]["grassroots_founded"] += 1
        return {pk: dict(row) for pk, row in flows.items()}

def play(scenario: Scenario, *, months: int, per_month: int, today_ops: int, tmp_path, roster=None) -> None:
    """The whole history in date order: past months, then the current month's days before today, with a
    snapshot at the end of two random days of each month and of each month's last day; then today."""
    scenario.build()
    today = timezone.localdate()
    current = month_of(today)
    for back in range(months, -1, -1):
        month = add_months(current, -back)
        last = month_end(month) if back else today - timedelta(days=1)
        if last < month:
            continue  # today is the 1st: the current month has no past day
        span = (last - month).days + 1
        days = sorted(month + timedelta(days=scenario.rng.randrange(span)) for _ in range(per_month))
        # Two days inside the month and its last (yesterday in the current month): with the two flow periods of
        # each snapshot this gives periods from a 1st to a day, between two days of a month, to a month end,
        # whole months, and across month ends.
        marks = sorted({month + timedelta(days=scenario.rng.randrange(span)) for _ in range(2)} | {last})
        for mark in marks:
            while days and days[0] <= mark:
                scenario.dated_operation(days.pop(0))
            if scenario.rng.random() < 0.5:
                tally.fold()  # folded and unfolded rows side by side
            scenario.snapshot(mark)
    for i in range(today_ops):
        scenario.today_operation(tmp_path)
        if roster is not None and i == today_ops // 2:
            roster(scenario)
