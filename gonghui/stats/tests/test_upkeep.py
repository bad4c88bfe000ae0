"""What a join costs the figures: still one INSERT per tally table, its rows dated to the day."""
from datetime import date

import pytest
from django.db import connection

from gonghui.core import idnumber
from gonghui.members.services import member_register
from gonghui.stats.models import Tally
from gonghui.stats.tally import path_ids


@pytest.mark.skipif(connection.vendor != "sqlite", reason="statements traced through sqlite3's trace callback "
                    "(PostgreSQL: the same rows in one combined statement, tally.Deltas.write)")
def test_a_join_writes_one_insert_per_tally_table_with_the_join_day(world):
    union = world.orgs["grassroots"]
    statements: list[str] = []
    connection.ensure_connection()
    connection.connection.set_trace_callback(statements.append)
    try:
        member_register(org=union, name="赵敏", id_number=idnumber.make("510104", date(1990, 5, 6), 151),
                        joined_on=date(2025, 3, 17), actor=None)
    finally:
        connection.connection.set_trace_callback(None)
    tally = [s.split("(")[0].strip() for s in statements if "stats_" in s]
    assert tally == ["INSERT INTO stats_age_tally", "INSERT INTO stats_tally"]
    rows = Tally.objects.filter(folded=False, joined=1, day=date(2025, 3, 17))
    assert sorted(rows.values_list("org_id", flat=True)) == sorted(path_ids(union.path))
    assert set(rows.values_list("month", flat=True)) == {date(2025, 3, 1)}
