"""Writing audit events. Services call `record`; nothing else writes AuditEvent rows."""
from typing import Any

from django.db import connection

from gonghui.core.context import client_ip
from gonghui.core.models import AuditEvent
from gonghui.core.prepared import insert


def record(
    *,
    actor,
    action: str,
    obj: Any = None,
    object_type: str = "",
    object_id: str | int = "",
    org_path: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Write one audit event; must run inside the service's transaction so both commit or neither does."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record must be called inside the service's transaction")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    user = actor if getattr(actor, "pk", None) else None
    # core.prepared.insert: the INSERT built once; every service writes one of these.
    return insert(AuditEvent(
        actor=user,
        actor_label=_label(actor),
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        org_path=org_path,
        before=before,
        after=after,
        ip=client_ip.get(),
    ))


def _label(actor) -> str:
    if actor is None:
        return "system"
    if isinstance(actor, str):
        return actor
    return getattr(actor, "display_name", None) or getattr(actor, "username", "") or "anonymous"
