"""Eight clients joining members into one province at once, a ninth folding the tallies meanwhile: the figures
of every node are exact afterwards. Needs PostgreSQL (SQLite runs one writer at a time)."""
import random
import threading
from datetime import date

import pytest
from django.conf import settings
from django.db import connections

from gonghui.core import idnumber
from gonghui.members.services import member_join
from gonghui.orgs.models import Org
from gonghui.stats import live, selectors
from gonghui.stats.check import differences
from gonghui.stats.tally import fold
from gonghui.stats.tests.scenario import Scenario

pytestmark = [
    pytest.mark.skipif("postgresql" not in settings.DATABASES["default"]["ENGINE"],
                       reason="concurrency needs PostgreSQL: SQLite runs one writer at a time"),
    pytest.mark.django_db(transaction=True),
]

CLIENTS = 8
JOINS = 25


def test_eight_concurrent_clients_joining_and_a_fold_leave_every_figure_exact():
    scenario = Scenario(random.Random(11))
    scenario.build()
    unions = scenario.unions()
    barrier = threading.Barrier(CLIENTS + 1)
    errors: list = []
    done = threading.Event()

    def client(i: int) -> None:
        rng = random.Random(i)
        try:
            barrier.wait()
            for j in range(JOINS):
                born = date(1960 + rng.randint(0, 45), rng.randint(1, 12), rng.randint(1, 28))
                member_join(org=rng.choice(unions), name=f"并发{i}-{j}", joined_on=date(2026, 1 + j % 9, 1),
                            id_number=idnumber.make("510104", born, i * 100 + j), actor=None,
                            employment_form=rng.choice(["", "rider"]), education=rng.choice(["20", "70"]))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    def folder() -> None:
        try:
            barrier.wait()
            while not done.is_set():
                fold()
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    folding = threading.Thread(target=folder)
    for thread in [*threads, folding]:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    done.set()
    folding.join(timeout=60)
    assert not errors, errors
    assert selectors.subtree_figures(scenario.province)["members"] == CLIENTS * JOINS
    for org in Org.objects.all():
        assert selectors.subtree_figures(org) == live.live_figures(org), org.name
    assert differences() == []
