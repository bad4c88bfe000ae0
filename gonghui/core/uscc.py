"""Unified social credit codes (统一社会信用代码, GB 32100-2015): 18 characters with a check character.

Only the structure and the check character are verified: real codes are issued by registration
offices, and a code whose registration-office digits look unusual is still a real employer's code.
"""
from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_FULLWIDTH = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９ＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＴＵＷＸＹ"}


class InvalidUscc(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def normalize(raw: str) -> str:
    return "".join(str(raw).translate(_FULLWIDTH).split()).upper()


def check_character(first17: str) -> str:
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, _WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def validate(raw: str) -> str:
    """Return the normalized code or raise InvalidUscc with a Chinese message."""
    value = normalize(raw)
    if len(value) != 18 or any(ch not in _VALUE for ch in value):
        raise InvalidUscc("uscc_format", _("统一社会信用代码应为18位数字或大写字母（不含I、O、S、V、Z）"))
    if not value[2:8].isdigit():
        raise InvalidUscc("uscc_format", _("统一社会信用代码第3至8位应为行政区划代码"))
    if check_character(value[:17]) != value[17]:
        raise InvalidUscc("uscc_check", _("统一社会信用代码校验位不正确"))
    return value


def make(division_code: str, serial: int, *, department: str = "9", kind: str = "1") -> str:
    """Build a valid code (department 9 = market regulation, kind 1 = enterprise): demo data and tests."""
    body = ""
    n = serial
    for _i in range(9):
        body = ALPHABET[n % 31] + body
        n //= 31
    first17 = f"{department}{kind}{division_code}{body}"
    return first17 + check_character(first17)
