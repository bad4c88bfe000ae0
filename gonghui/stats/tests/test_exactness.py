"""The figures never drift from the rows: after a random history, every figure of every node, now and at the end
of random past days (inside months, at month ends, earlier this month), equals a count from the raw rows; so do
the flows of periods ending on those days and the monthly trend — and `stats check` agrees, before and after a
rebuild."""
import random
from datetime import date

import pytest
from django.utils import timezone

from gonghui.accounts.choices import RoleKind
from gonghui.accounts.services import cadre_create, role_grant
from gonghui.joining.services import join_approve
from gonghui.joining.tests.support import make_application
from gonghui.orgs.models import Org
from gonghui.roster.services import roster_import
from gonghui.roster.tests.files import write_csv
from gonghui.stats import live, selectors
from gonghui.stats.check import differences
from gonghui.stats.figures import FLOW_KEYS
from gonghui.stats.periods import month_of
from gonghui.stats.rebuild import rebuild
from gonghui.stats.tally import fold
from gonghui.stats.tests.scenario import Scenario, play


def _roster(tmp_path):
    def load(scenario: Scenario) -> None:
        union = scenario.rng.choice(scenario.unions())
        joined = timezone.localdate().isoformat()  # imported today: the past days' snapshots stay true
        rows = []
        for i in range(12):
            pid = scenario.person()
            rows.append([i + 1, f"导入{i}", "男" if int(pid[16]) % 2 else "女", pid, "", joined,
                         scenario.rng.choice(["汉族", "回族", "壮族"]), scenario.rng.choice(["本科", "大专", "初中"]),
                         scenario.rng.choice(["群众", "中共党员"]), scenario.rng.choice(["是", "否"]), "某单位"])
        result = roster_import(path=write_csv(tmp_path / f"r{scenario.serial}.csv", rows), org=union, actor=None)
        assert result.accepted == 12
        # The same file again: every row is already on the register, nothing is counted twice.
        again = roster_import(path=write_csv(tmp_path / f"again{scenario.serial}.csv", rows), org=union, actor=None)
        assert again.accepted == 0
    return load


def _approve_applications(scenario: Scenario) -> None:
    chair = cadre_create(username=f"chair{scenario.serial}", password="Gonghui-test-2026", display_name="主席",
                         actor=None)
    role_grant(user=chair, org=scenario.province, kind=RoleKind.CHAIR, actor=None)
    for union in scenario.rng.sample(scenario.unions(), 2):
        application = make_application(None, union)
        join_approve(application=application, actor=chair)


def _assert_exact(scenario: Scenario, now: dict[int, dict]) -> None:
    """Every node's figures now (`now`: stats.live's count) and at the end of every recorded day, the flows
    of every recorded period, the children's table and the monthly trend."""
    orgs = list(Org.objects.filter(path__startswith=scenario.province.path))
    today = timezone.localdate()
    for org in orgs:
        assert selectors.subtree_figures(org) == now[org.pk], org.name
        assert selectors.subtree_figures(org, as_of=today) == now[org.pk], org.name
    for day, figures in scenario.snapshots.items():
        for org in orgs:
            expected = figures.get(org.pk)
            got = selectors.subtree_figures(org, as_of=day)
            if expected is None:  # founded later: nothing as of then
                assert not any(got.values()), (org.name, day)
            else:
                assert got == expected, (org.name, day)
        # The children's table reads every child in one statement: the same figures.
        for county in scenario.counties:
            for child, got in selectors.child_figures(county, as_of=day):
                assert got == figures.get(child.pk, got), (child.name, day)
    for (start, end), flows in scenario.flow_snapshots.items():
        for org in orgs:
            if org.pk in flows:
                assert selectors.period_flows(org, start=start, end=end) == flows[org.pk], (org.name, start, end)
    # The trend ending today, and ones ending on recorded days: each row's members at its month's end (at the
    # day itself for the last), and its flows, as recorded.
    months = len({month_of(day) for day in scenario.snapshots}) + 1
    for end in [today, *scenario.rng.sample(sorted(scenario.snapshots), 3)]:
        trend = selectors.monthly_trend(scenario.province, months=months, end=end)
        assert trend[-1]["until"] == end
        for row in trend:
            if row["until"] in scenario.snapshots:
                assert row["members"] == scenario.snapshots[row["until"]][scenario.province.pk]["members"], row
            flows = scenario.flow_snapshots.get((row["month"], row["until"]))
            if flows is not None:
                assert {k: row[k] for k in FLOW_KEYS} == flows[scenario.province.pk], row
        if end == today:
            assert trend[-1]["members"] == now[scenario.province.pk]["members"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_after_random_operations_every_figure_of_every_node_equals_a_count_of_the_rows(db, seed, tmp_path):
    scenario = Scenario(random.Random(seed))
    roster = _roster(tmp_path)

    def loads(s):
        roster(s)
        _approve_applications(s)

    play(scenario, months=4, per_month=25, today_ops=12, tmp_path=tmp_path, roster=loads)
    orgs = list(Org.objects.filter(path__startswith=scenario.province.path))
    now = {org.pk: live.live_figures(org) for org in orgs}
    # The snapshots' count of every node at once agrees with stats.live's count of each.
    assert scenario.live_now(timezone.localdate().year) == now
    start, end = min(scenario.flow_snapshots)
    assert scenario.live_flows(start, end) == {org.pk: live.live_flows(org, start=start, end=end) for org in orgs}

    _assert_exact(scenario, now)
    assert differences() == []
    fold()
    _assert_exact(scenario, now)
    # A rebuild from the raw rows leaves the current figures and the check as they were, and writes day rows
    # that follow the live count's reading of the past (today's tree): as of a recorded day, they agree.
    rebuild()
    day = scenario.rng.choice(sorted(scenario.snapshots))
    for org in orgs:
        assert selectors.subtree_figures(org) == now[org.pk]
        assert selectors.subtree_figures(org, as_of=day) == live.live_figures(org, as_of=day), (org.name, day)
    assert differences() == []


def test_check_finds_a_tally_that_drifted(db, tmp_path):
    scenario = Scenario(random.Random(7))
    play(scenario, months=1, per_month=5, today_ops=0, tmp_path=tmp_path)
    from gonghui.stats.models import DayTally, Tally

    today = timezone.localdate()
    Tally.objects.create(org_id=scenario.province.pk, month=month_of(today), day=today, members=1)
    found = differences()
    assert [(d.org_id, d.key, d.stored - d.counted) for d in found] == [(scenario.province.pk, "members", 1)]
    # A day row that does not add up with its month row: a figure as of a day inside that month would drift.
    rebuild()
    assert differences() == []
    county = scenario.counties[0]
    DayTally.objects.create(org_id=county.pk, day=date(2000, 1, 15), joined=2)
    assert [(d.org_id, d.key, d.month, d.stored, d.counted) for d in differences()] == [
        (county.pk, "joined", date(2000, 1, 1), 0, 2)]
