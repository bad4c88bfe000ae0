"""Writes of the joining app. Portal, console, API and commands call these, never the models directly."""
from gonghui.joining.routing import join_route
from gonghui.joining.selectors import employer_search
from gonghui.joining.services.applications import (
    application_snapshot, join_apply, join_approve, join_approve_bulk, join_reject, join_withdraw,
    privacy_notice_current,
)
from gonghui.joining.services.transfers import (
    transfer_accept, transfer_cancel, transfer_decline, transfer_request, transfer_snapshot,
)
from gonghui.joining.workdays import due_date

__all__ = [
    "application_snapshot", "due_date", "employer_search", "join_apply", "join_approve", "join_approve_bulk",
    "join_reject", "join_route", "join_withdraw", "privacy_notice_current",
    "transfer_accept", "transfer_cancel", "transfer_decline", "transfer_request", "transfer_snapshot",
]
