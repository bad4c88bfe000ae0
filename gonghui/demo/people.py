"""Synthetic members: names, ID numbers, phones and the statistical attributes of the real-name template.

Identity columns come from gonghui.members.records.identity_columns itself, so demo rows are exactly what
member_register would store (only the AES nonces differ from run to run).
"""
import bisect
import itertools
import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from gonghui.core import idnumber
from gonghui.demo import vocab
from gonghui.members.choices import ETHNICITIES, HAN
from gonghui.members.records import identity_columns

# Every date is computed against this day, not the clock, so a seed gives the same rows in any year.
AS_OF = date(2025, 12, 31)
MIN_AGE, MAX_AGE, MODE_AGE = 18, 60, 36

# Fixed numbers for the two demo worker accounts; the phone sequence below never hands them out.
WORKER_PHONES = ("13900000001", "13900000002")

_PHONE_SPACE = 7 * 10**9  # second digit 3–9, then nine free digits
_PHONE_STEP = 2654435761  # coprime with the space: i → i·step + offset is a permutation, so phones never repeat
assert math.gcd(_PHONE_STEP, _PHONE_SPACE) == 1

_MINORITY_DEFAULT = ("03", "15", "06", "08", "11", "02", "07", "04")
# Minorities living outside the autonomous areas, where the data shows them (Sichuan: Yi, Tibetan, Qiang).
_MINORITY_BY_PROVINCE = {"51": ("07", "04", "33", "03", "15", "06")}
_ETHNIC_NAMES = {name: code for code, name in ETHNICITIES.items() if code != HAN}


@dataclass(frozen=True)
class OrgProfile:
    """What shapes the members of one org: where they live, who employs them, how they work."""

    county_code: str
    founded_on: date
    work_unit: str = ""
    unit_type: str = "enterprise"
    employment_form: str = ""  # set for new-forms unions: their members' usual form
    platform_company: str = ""
    migrant_share: float = 0.2


class EthnicMix:
    """Ethnic shares of a county: the groups its own or its prefecture's name declares, else a few percent."""

    def __init__(self, province_code: str, *names: str):
        named = [code for name in names for word, code in _ETHNIC_NAMES.items() if word in name]
        named = list(dict.fromkeys(named))
        if named:
            share = 0.55
            weights = [share * 0.7 ** i for i in range(len(named))]
            weights = [w * share / sum(weights) for w in weights]
        else:
            named = list(_MINORITY_BY_PROVINCE.get(province_code, _MINORITY_DEFAULT))
            weights = [0.01 * 0.6 ** i for i in range(len(named))]
        self.codes = [*named, HAN]
        self.cumulative = list(itertools.accumulate([*weights, 1 - sum(weights)]))

    def draw(self, rng: random.Random) -> str:
        index = bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])
        return self.codes[min(index, len(self.codes) - 1)]


class PhoneSequence:
    def __init__(self, seed: int):
        self.offset = random.Random(f"phones/{seed}").randrange(_PHONE_SPACE)
        self.index = 0

    def next(self) -> str:
        while True:
            x = (self.index * _PHONE_STEP + self.offset) % _PHONE_SPACE
            self.index += 1
            phone = f"1{3 + x // 10**9}{x % 10**9:09d}"
            if phone not in WORKER_PHONES:
                return phone


_SURNAMES = [s for s, _w in vocab.SURNAMES]
_SURNAME_CUM = list(itertools.accumulate(w for _s, w in vocab.SURNAMES))


def person_name(rng: random.Random, male: bool, ethnicity: str = HAN) -> str:
    if ethnicity == "07":
        return rng.choice(vocab.YI_SURNAMES) + rng.choice(vocab.YI_GIVEN)
    if ethnicity == "04":
        return rng.choice(vocab.TIBETAN_NAMES) + rng.choice(vocab.TIBETAN_NAMES)
    surname = _SURNAMES[bisect.bisect(_SURNAME_CUM, rng.random() * _SURNAME_CUM[-1])]
    pool = vocab.MALE_GIVEN if male else vocab.FEMALE_GIVEN
    given = rng.choice(pool) if rng.random() < 0.3 else rng.choice(pool) + rng.choice(pool)
    return surname + given


_EDUCATION = {
    "government": (("10", 15), ("20", 60), ("30", 20), ("60", 5)),
    "institution": (("10", 15), ("20", 50), ("30", 25), ("40", 5), ("60", 5)),
    "enterprise": (("10", 2), ("20", 18), ("30", 25), ("40", 18), ("60", 20), ("70", 15), ("80", 2)),
    "new_forms": (("20", 5), ("30", 15), ("40", 22), ("60", 28), ("70", 28), ("80", 2)),
}
_CPC_SHARE = {"government": 0.45, "institution": 0.25, "social": 0.12, "enterprise": 0.07, "new_forms": 0.03}


def _table(pairs):
    return [code for code, _w in pairs], list(itertools.accumulate(w for _c, w in pairs))


_EDUCATION_TABLES = {kind: _table(pairs) for kind, pairs in _EDUCATION.items()}


class People:
    """Makes member rows county by county; ID numbers are unique because each county tracks what it used."""

    def __init__(self, seed: int):
        self.phones = PhoneSequence(seed)
        self.reserved_phones: list[str] = []  # handed to the next members made, in order
        self.now = timezone.now()
        self._used: set[int] = set()
        self._county = ""

    def start_county(self, county_code: str) -> None:
        self._county = county_code
        self._used = set()

    def _id_number(self, rng: random.Random, born: date, male: bool) -> str:
        while True:
            sequence = 2 * rng.randrange(500) + (1 if male else 0)  # odd is male (GB 11643)
            key = born.toordinal() * 1000 + sequence
            if key not in self._used:
                self._used.add(key)
                return idnumber.make(self._county, born, sequence)

    def rows(self, rng: random.Random, org_id: int, profile: OrgProfile, ethnic: EthnicMix, count: int):
        """`count` member dicts for one org, keyed by Member field attnames."""
        as_of = AS_OF.toordinal()
        founded = profile.founded_on.toordinal()
        kind = "new_forms" if profile.employment_form else profile.unit_type
        education_codes, education_cum = _EDUCATION_TABLES.get(kind, _EDUCATION_TABLES["enterprise"])
        cpc = _CPC_SHARE.get(kind, 0.07)
        for _i in range(count):
            male = rng.random() < (0.8 if profile.employment_form else 0.54)
            age_days = int(rng.triangular(MIN_AGE, MAX_AGE, MODE_AGE) * 365.25)
            born = date.fromordinal(as_of - age_days)
            ethnicity = ethnic.draw(rng)
            name = person_name(rng, male, ethnicity)
            if self.reserved_phones:
                phone = self.reserved_phones.pop(0)
            else:
                phone = self.phones.next() if rng.random() < 0.92 else ""
            identity = identity_columns(name=name, id_number=self._id_number(rng, born, male), phone=phone)
            adult = born.toordinal() + int(18 * 365.25) + 1
            start = max(founded, adult)
            joined = date.fromordinal(start + rng.randrange(max(as_of - start, 1)))
            age = age_days // 365
            migrant = rng.random() < profile.migrant_share
            if rng.random() < cpc:
                political = "01"
            elif age < 28 and rng.random() < 0.35:
                political = "03"
            else:
                political = "13"
            form = ""
            if profile.employment_form:
                form = profile.employment_form if rng.random() < 0.9 else rng.choice(("rider", "truck", "other"))
            yield {
                "org_id": org_id,
                "name": identity.name,
                "name_initials": identity.name_initials,
                "id_type": "1",
                "id_number_enc": identity.id_number_enc,
                "id_number_hash": identity.id_number_hash,
                "birth_date": identity.birth_date,
                "gender": identity.gender,
                "division_code": identity.division_code,
                "phone_enc": identity.phone_enc,
                "phone_hash": identity.phone_hash,
                "ethnicity": ethnicity,
                "education": education_codes[bisect.bisect(education_cum, rng.random() * education_cum[-1])],
                "political_status": political,
                "employment_status": "1",
                "household_type": "1" if migrant else "3",
                "migrant_worker": migrant,
                "employment_form": form,
                "platform_company": profile.platform_company,
                "work_unit": profile.work_unit,
                "joined_on": joined,
                "status": "active",
                "created_at": self.now,
                "updated_at": self.now,
            }


def random_date(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))
