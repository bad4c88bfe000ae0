"""/api/v1/me: who the caller is, the roles they hold and, for a worker, their own membership (masked)."""
from django.http import HttpRequest
from ninja import Router

from gonghui.api.schemas import ErrorOut, MeOut
from gonghui.members.selectors import member_of_user

router = Router(tags=["本人"])


@router.get("/me", response={200: MeOut, 401: ErrorOut}, url_name="me", summary="当前用户")
def me(request: HttpRequest):
    user = request.auth
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.display_name or user.username,
        "phone_masked": user.phone_masked,
        "is_cadre": user.is_cadre,
        "roles": user.active_roles,
        "member": member_of_user(user=user),
    }
