"""Two tree changes at once on PostgreSQL: the tree stays consistent (SQLite runs one writer at a time)."""
import threading
import time

import pytest
from django.db import connection, connections, transaction

from gonghui.core.testing.personas import build_world
from gonghui.orgs.models import Org
from gonghui.orgs.services import org_move

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: concurrent writers"),
    pytest.mark.django_db(transaction=True),
]


def _assert_tree_consistent():
    orgs = {o.pk: o for o in Org.objects.all()}
    for org in orgs.values():
        parent = orgs.get(org.parent_id)
        expected = f"{parent.path if parent else '/'}{org.pk}/"
        assert (org.path, org.depth) == (expected, parent.depth + 1 if parent else 0), org


def test_a_subtree_move_takes_along_an_org_moved_into_it_at_the_same_time():
    # given 青羊区's hospital union moving under 锦江区's industry union, not yet committed
    world = build_world()
    moved_in, errors = threading.Event(), []

    def move_the_county():
        try:
            moved_in.wait(10)
            # when 锦江区 itself moves to 绵阳 while that move is still open
            org_move(org=world.county, new_parent=world.sibling_city, actor=None)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    other = threading.Thread(target=move_the_county)
    other.start()
    with transaction.atomic():
        org_move(org=world.sibling_grassroots, new_parent=world.industry, actor=None)
        moved_in.set()
        time.sleep(1.0)  # let the county's move reach the rows this transaction holds
    other.join(20)

    # then the hospital union sits under 绵阳 → 锦江区 → industry, with paths that say so
    assert errors == []
    _assert_tree_consistent()
    hospital = Org.objects.get(pk=world.sibling_grassroots.pk)
    assert hospital.path.startswith(Org.objects.get(pk=world.sibling_city.pk).path)
