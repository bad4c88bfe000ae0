"""Mainland mobile numbers (11 digits, starting with 1 and a network digit 3–9)."""
import re

from django.utils.translation import gettext as _

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


class InvalidPhone(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.code = "phone_format"
        self.message = message


def normalize_phone(raw: str) -> str:
    value = re.sub(r"[\s\-]", "", str(raw).translate(_FULLWIDTH))
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    if not _MOBILE.match(value):
        raise InvalidPhone(_("手机号码应为11位数字，以1开头"))
    return value
