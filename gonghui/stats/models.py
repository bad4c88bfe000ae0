"""Tallies: the figures of every node kept as append-only signed deltas (docs/stats.md).

Every write that changes what is counted inserts, in its own transaction, one `Tally` row per node on the
affected path (the union and each ancestor) for the day the change is dated in. Nobody updates a shared
row, so joins in one province never queue on the province's row. `fold` (gonghui.stats.tally) merges the
unfolded rows into one folded row per (org, month), one `DayTally` row per (org, day) and the org's `Total`;
current figures are the total plus the org's few unfolded rows, read in one statement. Figures as of a past
day D are the same minus what is dated after D: the month rows of later months and the day rows of D's own
month after D (docs/stats.md, "As-of semantics").

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
    # The day the change is dated in, on unfolded rows; NULL on folded rows (their days are in DayTally).
    day = models.DateField(null=True)
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


class DayTally(Vector):
    """The folded changes of one org on one day: what a figure as of a day inside a month needs beyond the
    month rows. Written only by the fold and the rebuild, together with the month rows they add up to."""

    org = models.ForeignKey("orgs.Org", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                            related_name="+")
    day = models.DateField()

    class Meta:
        db_table = "stats_day_tally"
        constraints = [models.UniqueConstraint(fields=["org", "day"], name="stats_day_one")]


class Total(Vector):
    org = models.OneToOneField("orgs.Org", on_delete=models.DO_NOTHING, db_constraint=False, primary_key=True,
                               related_name="+")

    class Meta:
        db_table = "stats_total"


class AgeTally(models.Model):
    org = models.ForeignKey("orgs.Org", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                            related_name="+")
    month = models.DateField()
    day = models.DateField(null=True)  # as Tally.day
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


class AgeDayTally(models.Model):
    """Active members per birth year changed on one day (folded), as DayTally for the age bands."""

    org = models.ForeignKey("orgs.Org", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                            related_name="+")
    day = models.DateField()
    birth_year = models.SmallIntegerField()
    members = models.IntegerField()

    class Meta:
        db_table = "stats_age_day_tally"
        constraints = [models.UniqueConstraint(fields=["org", "day", "birth_year"], name="stats_age_day_one")]


class AgeTotal(models.Model):
    org = models.ForeignKey("orgs.Org", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                            related_name="+")
    birth_year = models.SmallIntegerField()
    members = models.IntegerField()

    class Meta:
        db_table = "stats_age_total"
        constraints = [models.UniqueConstraint(fields=["org", "birth_year"], name="stats_age_total_one")]
