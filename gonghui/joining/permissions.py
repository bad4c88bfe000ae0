"""Who may decide a join application. Seeing one is decided by JoinApplication.objects.visible_to alone."""
from gonghui.orgs.permissions import can_manage_org


def can_decide_application(actor, application) -> bool:
    """A chair or staff cadre of the union the application was routed to, or of a union above it."""
    return can_manage_org(actor, application.routed_org)


def can_withdraw_application(actor, application) -> bool:
    return actor is not None and getattr(actor, "pk", None) == application.applicant_id
