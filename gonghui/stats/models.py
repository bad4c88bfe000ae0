"""Tallies: the figures of every node kept as append-only signed deltas (docs/stats.md).

Every write that changes what is counted inserts, in its own transaction, one `Tally` row per node on the
affected path (the union and each ancestor) for the month the change is dated in. Nobody updates a shared
row, so joins in one province never queue on the province's row. `fold` (gonghui.stats.tally) merges the
unfolded rows into one folded row per (org, month) and adds them to `Total`; current figures are the
total plus the org's few unfolded rows, read in one statement.

Age bands depend on the as-of year, so they are kept as counts of active members per birth year
(`AgeTally`, `AgeTotal`) and banded when read.

`org` is a plain column without a foreign-key constraint: rows reference orgs that are never deleted, and a
constraint check per inserted row would cost every join six index probes for nothing.
"""
from django.db import models
from django.db.models import Q

from gonghui.stats.figures import TALLY_KEYS


def _vector_fields() -> dict:
    return {key: models.IntegerField(default=0, db_default=0) for key in TALLY_KEYS}


class Vector(models.Model):
    locals().update(_vector_fields())

    class Meta:
        abstract = True


class Tally(Vector):
    org = models.ForeignKey("orgs.Org", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                            related_name="+")
    month = models.DateField()  # first day of the month the change is dated in
    folded = models.BooleanField(default=False, db_default=False)

    class Meta:
        db_table = "stats_tally"
        indexes = [
            models.Index(fields=["org", "month"], name="stats_tally_org_month"),
            models.Index(fields=["org"], condition=Q(folded=False), name="stats_tally_unfolded"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["org", "month"], condition=Q(folded=True), name="stats_tally_one_folded"),
        ]


class Total(Vector):
    org = models.OneToOneField("orgs.Org", on_delete=models.DO_NOTHING, db_constraint=False, primary_key=True,
                               related_name="+")

    class Meta:
        db_table = "stats_total"


class AgeTally(models.Model):
    org = models.ForeignKey("orgs.Org", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                            related_name="+")
    month = models.DateField()
    folded = models.BooleanField(default=False, db_default=False)
    birth_year = models.SmallIntegerField()
    members = models.IntegerField()

    class Meta:
        db_table = "stats_age_tally"
        indexes = [
            models.Index(fields=["org", "month"], name="stats_age_org_month"),
            models.Index(fields=["org"], condition=Q(folded=False), name="stats_age_unfolded"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["org", "month", "birth_year"], condition=Q(folded=True),
                                    name="stats_age_one_folded"),
        ]


class AgeTotal(models.Model):
    org = models.ForeignKey("orgs.Org", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                            related_name="+")
    birth_year = models.SmallIntegerField()
    members = models.IntegerField()

    class Meta:
        db_table = "stats_age_total"
        constraints = [models.UniqueConstraint(fields=["org", "birth_year"], name="stats_age_total_one")]
