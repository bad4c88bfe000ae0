"""The live reference itself, on the shared personas: what a person would count by hand."""
from datetime import date

from gonghui.stats import selectors


def test_the_province_counts_its_orgs_members_and_employees_by_hand(world):
    figures = selectors.subtree_figures(world.province)
    assert figures["orgs_total"] == 8 and figures["orgs_federation"] == 5 and figures["orgs_grassroots"] == 2
    assert figures["orgs_industry"] == 1 and figures["grassroots_new_forms"] == 1
    assert figures["employees"] == 240
    assert figures["members"] == 2 and figures["male"] == 1 and figures["female"] == 1
    assert sum(figures[k] for k in ("age_35_under", "age_36_45", "age_46_55", "age_56_over")) == 2


def test_a_past_month_end_counts_only_who_had_joined_by_then(world):
    figures = selectors.subtree_figures(world.province, as_of=date(2019, 12, 31))
    assert figures["members"] == 1  # 李娜 joined 2018; 张伟 only in 2020
    assert selectors.period_flows(world.province, start=date(2020, 1, 1), end=date(2020, 12, 31))["joined"] == 1
