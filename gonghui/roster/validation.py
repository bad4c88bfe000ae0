"""Checking one data row against the member rules, before anything touches the database.

Every refusal carries the spreadsheet row number (as Excel shows it), a reason code (REASONS) and a Chinese
message that tells the cadre what to fix. Messages never repeat an ID or phone number.
"""
import re
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from gonghui.core import crypto, idnumber
from gonghui.core.phone import InvalidPhone, normalize_phone
from gonghui.core.pinyin import initials
from gonghui.members.codes import code_for_label
from gonghui.members.models import Member
from gonghui.roster.parsing.cells import parse_date, text
from gonghui.roster.parsing.headers import LABELS

# Reason codes, each with what it means (docs/roster.md lists them for cadres).
REASONS = {
    "name_missing": "姓名为空",
    "id_missing": "身份证号为空",
    "id_as_number": "身份证号被Excel存成了数字，末尾几位已丢失",
    "id_format": "身份证号不是18位",
    "id_birth_date": "身份证号中的出生日期不存在或不合理",
    "id_check_digit": "身份证号校验位不正确",
    "id_division": "身份证号前两位不是省级行政区划代码",
    "id_type": "证件类别不是居民身份证",
    "duplicate_in_file": "同一身份证号在文件中出现多次（第二次及以后）",
    "phone_format": "手机号码格式不正确",
    "date_format": "日期无法识别",
    "date_future": "入会日期晚于今天",
    "birth_date_mismatch": "出生日期与身份证号不一致",
    "gender_mismatch": "性别与身份证号不一致",
    "code_unknown": "代码项的值不在代码表中",
    "text_too_long": "文字超过长度上限",
    "member_elsewhere": "此人已是其他工会的会员",
    "member_former": "此人曾是会员，会籍已终止",
}

ID_AS_NUMBER_MESSAGE = "身份证号被Excel存成了数字，末尾几位已丢失，请将该列设置为文本格式后重新填写"
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")
_CODED = ("ethnicity", "education", "political_status", "employment_status", "household_type", "skill_level",
          "employment_form")
_FOOTER = ("合计", "总计", "小计", "共计", "制表", "审核", "填表", "填报", "负责人", "联系人", "备注", "说明", "注:",
           "注1", "单位负责人", "盖章")
_YES = {"是", "Y", "YES", "TRUE", "1", "√", "✓", "农民工"}
_NO = {"否", "N", "NO", "FALSE", "0", "×", "非农民工", "不是"}
_MAX_LENGTH = {f: Member._meta.get_field(f).max_length for f in ("name", "work_unit", "platform_company")}


@dataclass(frozen=True)
class Refusal:
    row: int
    reason: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "reason": self.reason, "message": self.message}


@dataclass
class Candidate:
    """A row that passed every check the file alone can answer; the database decides the rest."""

    row: int
    id_value: str
    id_hash: str
    phone: str
    values: dict = field(default_factory=dict)


class RowChecker:
    """Checks rows in file order and remembers each valid ID number's first row, for in-file duplicates."""

    def __init__(self, columns: dict[str, int], *, today: date):
        self.columns = columns
        self.today = today
        # First row of each ID number, keyed by its first 17 digits (they fix the 18th): an int takes half the
        # memory of the string over a million rows.
        self.seen: dict[int, int] = {}
        # Labels repeat down a roster: look each up once (code_for_label costs ~60 µs a call, more than the
        # rest of the row's checks together).
        self._codes: dict[tuple[str, str], str | None] = {}

    def _code(self, list_name: str, raw: str) -> str | None:
        key = (list_name, raw)
        try:
            return self._codes[key]
        except KeyError:
            code = self._codes[key] = code_for_label(list_name, raw)
            return code


    def _cell(self, cells: list, name: str):
        index = self.columns.get(name)
        if index is None or index >= len(cells):
            return None
        return cells[index]

    def is_member_row(self, cells: list) -> bool:
        """Not blank rows, nor footers and notes (制表人, 审核人, 合计 …) that carry no ID number."""
        if text(self._cell(cells, "id_number")):
            return True
        if not text(self._cell(cells, "name")):
            return False
        return not any(isinstance(cell, str) and text(cell).startswith(_FOOTER) for cell in cells)

    def _id(self, row: int, cells: list) -> tuple[idnumber.IdNumber | None, Refusal | None]:
        raw = self._cell(cells, "id_number")
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            return None, Refusal(row, "id_as_number", _(ID_AS_NUMBER_MESSAGE))
        value = text(raw)
        if not value:
            return None, Refusal(row, "id_missing", _("身份证号为空"))
        compact = idnumber.normalize(value)
        if _SCIENTIFIC.match(compact):
            return None, Refusal(row, "id_as_number", _(ID_AS_NUMBER_MESSAGE))
        try:
            parsed = idnumber.parse(compact, today=self.today)
        except idnumber.InvalidIdNumber as exc:
            # Excel keeps 15 significant digits: an 18-digit number comes back with its last three as zeros.
            if exc.code == "id_check_digit" and compact.endswith("000"):
                return None, Refusal(row, "id_as_number", _(ID_AS_NUMBER_MESSAGE))
            return None, Refusal(row, exc.code, exc.message)
        return parsed, None

    def remember(self, row: int, cells: list) -> None:
        """Replay a row already committed by an earlier run: only its place in the duplicate check."""
        if self.is_member_row(cells):
            parsed, _refusal = self._id(row, cells)
            if parsed is not None:
                self.seen.setdefault(int(parsed.value[:17]), row)

    def check(self, row: int, cells: list) -> Candidate | Refusal | None:
        """None for a row that is not a member row at all (blank, footer)."""
        if not self.is_member_row(cells):
            return None
        parsed, refusal = self._id(row, cells)
        if refusal is not None:
            return refusal
        first = self.seen.setdefault(int(parsed.value[:17]), row)
        if first != row:
            return Refusal(row, "duplicate_in_file", _("身份证号与第%(row)d行重复，同一人只能登记一次") % {"row": first})
        return self._fields(row, cells, parsed)

    def _fields(self, row: int, cells: list, parsed: idnumber.IdNumber) -> Candidate | Refusal:
        name = "".join(text(self._cell(cells, "name")).split())
        if not name:
            return Refusal(row, "name_missing", _("姓名为空"))
        values = {"name": name}
        for key in ("name", "work_unit", "platform_company"):
            value = values.get(key) if key == "name" else text(self._cell(cells, key))
            if len(value) > _MAX_LENGTH[key]:
                return Refusal(row, "text_too_long", _("“%(col)s”超过%(n)d个字") % {
                    "col": LABELS[key], "n": _MAX_LENGTH[key]})
            values[key] = value
        id_type = text(self._cell(cells, "id_type"))
        if id_type and self._code("id_type", id_type) != "1":
            return Refusal(row, "id_type", _("本导入只接受居民身份证，其他证件请在会员管理中逐个登记"))
        phone = text(self._cell(cells, "phone"))
        if phone:
            try:
                phone = normalize_phone(phone)
            except InvalidPhone as exc:
                return Refusal(row, "phone_format", exc.message)
        dates = {}
        for key in ("joined_on", "birth_date"):
            try:
                dates[key] = parse_date(self._cell(cells, key))
            except ValueError:
                return Refusal(row, "date_format", _("“%(col)s”无法识别为日期，请写成2023-05-01或2023年5月1日") % {
                    "col": LABELS[key]})
        joined_on = dates["joined_on"] or self.today
        if joined_on > self.today:
            return Refusal(row, "date_future", _("入会日期不能晚于今天"))
        if dates["birth_date"] and dates["birth_date"] != parsed.birth_date:
            return Refusal(row, "birth_date_mismatch", _("出生日期与身份证号中的出生日期不一致"))
        gender = text(self._cell(cells, "gender"))
        if gender:
            code = self._code("gender", gender)
            if code is None:
                return _unknown(row, "gender", gender)
            if code != parsed.gender:
                return Refusal(row, "gender_mismatch", _("性别与身份证号不一致（身份证号第17位单数为男，双数为女）"))
        for key in _CODED:
            raw = text(self._cell(cells, key))
            if not raw:
                continue
            code = self._code(key, raw)
            if code is None:
                return _unknown(row, key, raw)
            values[key] = code
        migrant = text(self._cell(cells, "migrant_worker")).upper()
        if migrant:
            if migrant not in _YES and migrant not in _NO:
                return _unknown(row, "migrant_worker", migrant)
            values["migrant_worker"] = migrant in _YES
        values.update(name_initials=initials(name), birth_date=parsed.birth_date, gender=parsed.gender,
                      division_code=parsed.division_code, joined_on=joined_on)
        return Candidate(row=row, id_value=parsed.value, phone=phone, values=values,
                         id_hash=crypto.blind_index(parsed.value, purpose="id_number"))


def _unknown(row: int, key: str, value: str) -> Refusal:
    shown = value if len(value) <= 20 else value[:20] + "…"
    return Refusal(row, "code_unknown", _("“%(col)s”的值“%(value)s”不在代码表中") % {"col": LABELS[key], "value": shown})
