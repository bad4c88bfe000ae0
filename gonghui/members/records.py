"""How a person's identity becomes Member columns: used by the service, the importer and demo data alike."""
from dataclasses import dataclass
from datetime import date

from gonghui.core import crypto, idnumber
from gonghui.core.phone import normalize_phone
from gonghui.core.pinyin import initials


@dataclass(frozen=True)
class IdentityColumns:
    name: str
    name_initials: str
    id_number_enc: bytes
    id_number_hash: str
    birth_date: date
    gender: str
    division_code: str
    phone_enc: bytes | None
    phone_hash: str


def id_number_index(id_number: str) -> str:
    return crypto.blind_index(idnumber.normalize(id_number), purpose="id_number")


def identity_columns(*, name: str, id_number: str, phone: str = "") -> IdentityColumns:
    """Validate and encrypt; raises idnumber.InvalidIdNumber or phone.InvalidPhone with Chinese messages."""
    parsed = idnumber.parse(id_number)
    phone = normalize_phone(phone) if phone else ""
    name = "".join(name.split())
    return IdentityColumns(
        name=name,
        name_initials=initials(name),
        id_number_enc=crypto.encrypt(parsed.value, context=b"id_number"),
        id_number_hash=crypto.blind_index(parsed.value, purpose="id_number"),
        birth_date=parsed.birth_date,
        gender=parsed.gender,
        division_code=parsed.division_code,
        phone_enc=crypto.encrypt(phone, context=b"phone") if phone else None,
        phone_hash=crypto.blind_index(phone, purpose="phone") if phone else "",
    )
