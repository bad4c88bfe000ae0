"""Background tasks of the figures (config/celery.py finds this module).

`stats.fold` should run every minute or so from Celery beat (settings: CELERY_BEAT_SCHEDULE =
{"stats-fold": {"task": "stats.fold", "schedule": 60.0}}): between folds every join leaves one unfolded row
per node on its path, and a read sums the unfolded rows of the node it reads.
"""
from celery import shared_task


@shared_task(name="stats.fold", ignore_result=True)
def fold() -> None:
    from django.db import connection

    from gonghui.stats.tally import fold as fold_tallies

    fold_tallies()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # The rows just folded are dead entries in the partial index of unfolded rows until a vacuum removes
        # them, and every read walks over them meanwhile (migration 0002 also lowers autovacuum's threshold);
        # the day tables' rows of today are updated by every fold.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM stats_tally, stats_age_tally, stats_day_tally, stats_age_day_tally")
