"""A union tree and a random history for the exactness tests, built only through the real services.

Months before the current one get the operations that carry their own date (joins, transfers, retaining,
withdrawing, striking off, founding and closing unions); the current month also gets those dated today by the
services themselves (record edits, moves and merges of subtrees, approved join applications, roster imports).
At the end of every past month the scenario records the live figures (counted from the raw rows as they
stood then), so the tallies' as-of figures can later be compared with what was true at the time.
"""
import random
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from gonghui.core import idnumber, uscc
from gonghui.members.choices import MembershipChange, MembershipChangeReason, MemberStatus
from gonghui.members.models import Member
from gonghui.members.services import member_join, member_update, membership_end, membership_transfer
from gonghui.orgs.choices import OrgKind, OrgLevel, OrgStatus
from gonghui.orgs.models import Org
from gonghui.orgs.services import org_close, org_create, org_merge, org_move
from gonghui.stats import live, tally
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
    snapshots: dict = field(default_factory=dict)  # month → {org_id: live figures at that month's end}
    flow_snapshots: dict = field(default_factory=dict)  # month → {org_id: live flows of that month}

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

    def snapshot(self, month: date) -> None:
        """Live figures of every org at the end of `month`, counted from the rows as they stand now."""
        year = month_end(month).year
        figures, flows = {}, {}
        for org in Org.objects.filter(path__startswith=self.province.path):
            row = live._org_figures(org, None)
            row.update(live._current_member_figures(org, year))
            figures[org.pk] = row
            flows[org.pk] = live.live_flows(org, start=month, end=month_end(month))
        self.snapshots[month] = figures
        self.flow_snapshots[month] = flows


def play(scenario: Scenario, *, months: int, per_month: int, today_ops: int, tmp_path, roster=None) -> None:
    """The whole history: past months in date order with a snapshot at each end, then the current month."""
    scenario.build()
    current = month_of(timezone.localdate())
    for back in range(months, 0, -1):
        month = add_months(current, -back)
        days = sorted(scenario.rng.randint(1, 28) for _ in range(per_month))
        for day in days:
            scenario.dated_operation(month.replace(day=day))
        if scenario.rng.random() < 0.5:
            tally.fold()  # folded and unfolded rows side by side
        scenario.snapshot(month)
    for i in range(today_ops):
        scenario.today_operation(tmp_path)
        if roster is not None and i == today_ops // 2:
            roster(scenario)
