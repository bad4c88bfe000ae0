"""Background tasks of the figures (config/celery.py finds this module).

`stats.fold` should run every minute or so from Celery beat (settings: CELERY_BEAT_SCHEDULE =
{"stats-fold": {"task": "stats.fold", "schedule": 60.0}}): between folds every join leaves one unfolded row
per node on its path, and a read sums the unfolded rows of the node it reads.
"""
from celery import shared_task


@shared_task(name="stats.fold", ignore_result=True)
def fold() -> None:
    from gonghui.stats.tally import fold as fold_tallies

    fold_tallies()
