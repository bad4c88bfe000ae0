"""Background tasks of the core (config/celery.py finds this module).

`core.audit_seal` runs every minute from Celery beat (settings: CELERY_BEAT_SCHEDULE "audit-seal"): it chains
the audit events older than the lag (gonghui.core.audit_seal). Safe to run twice or in parallel: sealers take
turns on a lock and a second run finds nothing left to seal.
"""
from celery import shared_task


@shared_task(name="core.audit_seal", ignore_result=True)
def audit_seal() -> None:
    from gonghui.core.audit_seal import seal

    seal()
