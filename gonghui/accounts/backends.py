"""Worker sign-in: a phone number proven by an SMS code."""
from django.contrib.auth.backends import BaseBackend
from django.core.exceptions import ValidationError

from gonghui.accounts.models import User
from gonghui.accounts.services import sms_code_verify, worker_for_phone


class PhoneCodeBackend(BaseBackend):
    def authenticate(self, request, phone: str | None = None, sms_code: str | None = None, **kwargs):
        if not phone or not sms_code:
            return None
        try:
            sms_code_verify(phone=phone, code=sms_code)
        except ValidationError as exc:
            # authenticate() can only answer None; the sign-in page shows the worker why (expired, wrong,
            # too many tries). Codes do not depend on accounts, so this says nothing about who has one.
            if request is not None:
                request.sms_code_error = exc
            return None
        user = worker_for_phone(phone=phone)
        # A code proves the phone, not a cadre's password: accounts with roles sign in on the console.
        return user if user.is_active and not user.is_cadre else None

    def get_user(self, user_id):
        user = User.objects.filter(pk=user_id).first()
        return user if user is not None and user.is_active else None
