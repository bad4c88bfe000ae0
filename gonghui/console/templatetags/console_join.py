"""The console navigation's count of join applications waiting in the cadre's scope."""
from django import template

from gonghui.joining.selectors import join_queue

register = template.Library()


@register.simple_tag(takes_context=True)
def join_pending_count(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_cadre", False):
        return 0
    # One COUNT over the queue's index (routed org, status); ordering and annotations would only slow it.
    return join_queue(actor=user).order_by().values("pk").count()
