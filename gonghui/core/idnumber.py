"""Resident ID numbers (公民身份号码, GB 11643-1999): format, birth date and check digit.

Deliberately not `stdnum.cn.ric.is_valid`: it refuses a real ID whose county code was created after the
holder's birth (numbers carry the code of the issuing office, often years later), and it costs 26× more
per row (research/performance-anchors.md §0.3). See ARCHITECTURE.md.
"""
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_FULLWIDTH = str.maketrans("０１２３４５６７８９ＸｘＸ", "0123456789XXX")


class InvalidIdNumber(ValueError):
    """Raised with a Chinese message and a short code naming what is wrong."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class IdNumber:
    value: str
    division_code: str
    birth_date: date
    gender: str  # "1" male, "2" female (GB/T 2261.1)


def normalize(raw: str) -> str:
    """Strip spaces, turn full-width digits to ASCII and a lowercase x to X."""
    return "".join(str(raw).translate(_FULLWIDTH).split()).upper()


def _chunk_tables() -> list[tuple[slice, dict[str, int]]]:
    """For each run of up to three positions, the weighted sum of every digit string that can stand there."""
    tables = []
    for start in range(0, 17, 3):
        stop = min(start + 3, 17)
        width = stop - start
        table = {}
        for value in range(10**width):
            digits = str(value).zfill(width)
            table[digits] = sum(int(d) * w for d, w in zip(digits, _WEIGHTS[start:stop]))
        tables.append((slice(start, stop), table))
    return tables


_CHUNKS = _chunk_tables()


def check_digit(first17: str) -> str:
    """ISO 7064 MOD 11-2. Six table look-ups instead of seventeen int() calls: a roster import checks every
    row's number, and this was a tenth of the import worker's time."""
    try:
        total = sum(table[first17[part]] for part, table in _CHUNKS)
    except KeyError:  # a digit other than ASCII 0-9 that str.isdigit() accepted
        total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS))
    return _CHECK[total % 11]


def parse(raw: str, *, today: date | None = None) -> IdNumber:
    """Validate an 18-character ID number and derive division, birth date and gender from it."""
    value = normalize(raw)
    if len(value) != 18 or not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise InvalidIdNumber("id_format", _("身份证号应为18位：17位数字加1位数字或X"))
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise InvalidIdNumber("id_birth_date", _("身份证号中的出生日期不存在")) from None
    today = today or date.today()
    if born > today or born.year < 1900:
        raise InvalidIdNumber("id_birth_date", _("身份证号中的出生日期不合理"))
    if check_digit(value[:17]) != value[17]:
        raise InvalidIdNumber("id_check_digit", _("身份证号校验位不正确，请核对最后一位"))
    if value[:2] not in _PROVINCE_CODES:
        raise InvalidIdNumber("id_division", _("身份证号前两位不是有效的省级行政区划代码"))
    gender = "1" if int(value[16]) % 2 == 1 else "2"
    return IdNumber(value=value, division_code=value[:6], birth_date=born, gender=gender)


def make(division_code: str, born: date, sequence: int) -> str:
    """Build a valid ID number: used by demo data and tests. `sequence` 0–999; odd is male."""
    first17 = f"{division_code}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_digit(first17)


# GB/T 2260 province-level codes, the only part of the division code that never changes.
_PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)
