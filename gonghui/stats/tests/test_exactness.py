"""The figures never drift from the rows: after a random history, every figure of every node, now and at every
past month end, equals a count from the raw rows — and `stats check` agrees, before and after a rebuild."""
import random

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
from gonghui.stats.periods import month_end, month_of
from gonghui.stats.rebuild import rebuild
from gonghui.stats.tally import fold
from gonghui.stats.tests.scenario import Scenario, play


def _roster(tmp_path):
    def load(scenario: Scenario) -> None:
        union = scenario.rng.choice(scenario.unions())
        joined = month_of(timezone.localdate()).isoformat()
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


def _assert_exact(scenario: Scenario) -> None:
    orgs = list(Org.objects.filter(path__startswith=scenario.province.path))
    for org in orgs:
        assert selectors.subtree_figures(org) == live.live_figures(org), org.name
    for month, figures in scenario.snapshots.items():
        for org in orgs:
            expected = figures.get(org.pk)
            got = selectors.subtree_figures(org, as_of=month_end(month))
            if expected is None:  # founded later: nothing as of then
                assert not any(got.values()), (org.name, month)
            else:
                assert got == expected, (org.name, month)
            flows = scenario.flow_snapshots[month].get(org.pk)
            if flows is not None:
                assert selectors.period_flows(org, start=month, end=month_end(month)) == flows, (org.name, month)
    trend = selectors.monthly_trend(scenario.province, months=len(scenario.snapshots) + 1)
    for row in trend[:-1]:
        assert row["members"] == scenario.snapshots[row["month"]][scenario.province.pk]["members"]
    assert trend[-1]["members"] == live.live_figures(scenario.province)["members"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_after_random_operations_every_figure_of_every_node_equals_a_count_of_the_rows(db, seed, tmp_path):
    scenario = Scenario(random.Random(seed))
    roster = _roster(tmp_path)

    def loads(s):
        roster(s)
        _approve_applications(s)

    play(scenario, months=4, per_month=25, today_ops=12, tmp_path=tmp_path, roster=loads)
    _assert_exact(scenario)
    assert differences() == []
    fold()
    _assert_exact(scenario)
    # A rebuild from the raw rows leaves the current figures and the check as they were.
    rebuild()
    for org in Org.objects.filter(path__startswith=scenario.province.path):
        assert selectors.subtree_figures(org) == live.live_figures(org)
    assert differences() == []


def test_check_finds_a_tally_that_drifted(db, tmp_path):
    scenario = Scenario(random.Random(7))
    play(scenario, months=1, per_month=5, today_ops=0, tmp_path=tmp_path)
    from gonghui.stats.models import Tally

    Tally.objects.create(org_id=scenario.province.pk, month=month_of(timezone.localdate()), members=1)
    found = differences()
    assert [(d.org_id, d.key, d.stored - d.counted) for d in found] == [(scenario.province.pk, "members", 1)]
