"""Checking one data row against the member rules, before anything touches the database.

Every refusal carries the spreadsheet row number (as Excel shows it), a reason code (REASONS) and a Chinese
message that tells the cadre what to fix. Messages never repeat an ID or phone number.
"""
import re
from dataclasses import dataclass, field
from functools import partial
from operator import itemgetter
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
    """Checks rows in file order and remembers each valid ID number's first row, for in-file duplicates.

    Hot path of an import (a million rows): column indexes resolved once, and the values that repeat down a
    roster (code labels, dates, yes/no) looked up once per distinct text cell (`_memo`)."""

    def __init__(self, columns: dict[str, int], *, today: date):
        self.columns = columns
        self.today = today
        # First row of each ID number, keyed by its first 17 digits (they fix the 18th): an int takes half the
        # memory of the string over a million rows.
        self.seen: dict[int, int] = {}
        # fields(): rows cut or padded to `_width` cells plus one None, which absent columns point at.
        self._width = max(columns.values(), default=-1) + 1
        self._nones = [None] * (self._width + 1)
        self._get = itemgetter(*(self._width if columns.get(name) is None else columns[name] for name in _FIELDS))
        # (what, cell text) → answer. code_for_label costs ~60 µs a call, more than the rest of the row's
        # checks together. Only str cells are keys: 1, 1.0 and True are equal dict keys but different cells.
        self._memo: dict[tuple[str, str], object] = {}
        self._coders = {name: partial(_code_of, name) for name in ("id_type", "gender", *_CODED_FIELDS)}

    def _lookup(self, what: str, cell, work):
        if cell is None:  # a column the file lacks: every `work` answers None
            return None
        if type(cell) is not str:
            return work(cell)
        key = (what, cell)
        try:
            return self._memo[key]
        except KeyError:
            pass
        answer = work(cell)
        if len(self._memo) < _MEMO_LIMIT:
            self._memo[key] = answer
        return answer

    def _code(self, list_name: str, cell):
        """The code a code-list cell stands for: None for an empty cell, _UNKNOWN for a label the list lacks."""
        return self._lookup(list_name, cell, self._coders[list_name])

    def _date(self, cell):
        """A date, None for an empty cell, or _NOT_A_DATE."""
        return self._lookup("date", cell, _date_or_marker)

    def fields(self, cells: list) -> tuple:
        """The row's cells in _FIELDS order (None where the file has no such column), in one C call."""
        width = self._width
        return self._get([*cells[:width], *self._nones[min(len(cells), width):]])

    def is_member_row(self, cells: list) -> bool:
        """Not blank rows, nor footers and notes (制表人, 审核人, 合计 …) that carry no ID number."""
        name, id_cell = self.fields(cells)[:2]
        return bool(text(id_cell)) or self._named_non_footer(name, cells)

    @staticmethod
    def _named_non_footer(name, cells: list) -> bool:
        if not text(name):
            return False
        return not any(isinstance(cell, str) and text(cell).startswith(_FOOTER) for cell in cells)

    def _id(self, row: int, raw, value: str) -> tuple[idnumber.IdNumber | None, Refusal | None]:
        """`value`: text(raw)."""
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            return None, Refusal(row, "id_as_number", _(ID_AS_NUMBER_MESSAGE))
        if not value:
            return None, Refusal(row, "id_missing", _("身份证号为空"))
        try:
            # parse() normalises (spaces, full-width digits, lowercase x) itself.
            return idnumber.parse(value, today=self.today), None
        except idnumber.InvalidIdNumber as exc:
            compact = idnumber.normalize(value)
            # 4.10104199E+17: never a valid ID, so asking only after parse() refused it changes no answer.
            if _SCIENTIFIC.match(compact):
                return None, Refusal(row, "id_as_number", _(ID_AS_NUMBER_MESSAGE))
            # Excel keeps 15 significant digits: an 18-digit number comes back with its last three as zeros.
            if exc.code == "id_check_digit" and compact.endswith("000"):
                return None, Refusal(row, "id_as_number", _(ID_AS_NUMBER_MESSAGE))
            return None, Refusal(row, exc.code, exc.message)

    def remember(self, row: int, cells: list) -> None:
        """Replay a row already committed by an earlier run: only its place in the duplicate check."""
        name, id_cell = self.fields(cells)[:2]
        value = text(id_cell)
        if value or self._named_non_footer(name, cells):
            parsed, _refusal = self._id(row, id_cell, value)
            if parsed is not None:
                self.seen.setdefault(int(parsed.value[:17]), row)

    def check(self, row: int, cells: list) -> Candidate | Refusal | None:
        """None for a row that is not a member row at all (blank, footer)."""
        fields = self.fields(cells)
        id_cell = fields[1]
        value = text(id_cell)
        if not value and not self._named_non_footer(fields[0], cells):
            return None
        parsed, refusal = self._id(row, id_cell, value)
        if refusal is not None:
            return refusal
        first = self.seen.setdefault(int(parsed.value[:17]), row)
        if first != row:
            return Refusal(row, "duplicate_in_file", _("身份证号与第%(row)d行重复，同一人只能登记一次") % {"row": first})
        return self._fields(row, fields, parsed)

    def _fields(self, row: int, fields: tuple, parsed: idnumber.IdNumber) -> Candidate | Refusal:
        (name_cell, _id_cell, id_type_cell, phone, joined_cell, gender_cell, birth_cell, *coded_cells,
         migrant_cell, work_unit_cell, platform_cell) = fields
        name = "".join(text(name_cell).split())
        if not name:
            return Refusal(row, "name_missing", _("姓名为空"))
        work_unit, platform_company = text(work_unit_cell), text(platform_cell)
        for key, value in (("name", name), ("work_unit", work_unit), ("platform_company", platform_company)):
            if len(value) > _MAX_LENGTH[key]:
                return Refusal(row, "text_too_long", _("“%(col)s”超过%(n)d个字") % {
                    "col": LABELS[key], "n": _MAX_LENGTH[key]})
        values = {"name": name, "work_unit": work_unit, "platform_company": platform_company}
        id_type = self._code("id_type", id_type_cell)
        if id_type is not None and id_type != "1":
            return Refusal(row, "id_type", _("本导入只接受居民身份证，其他证件请在会员管理中逐个登记"))
        # The common cell, 11 ASCII digits of a mobile number, is already what normalize_phone returns.
        if not (type(phone) is str and len(phone) == 11 and phone.isascii() and phone.isdigit() and phone[0] == "1"
                and phone[1] in "3456789"):
            phone = text(phone)
            if phone:
                try:
                    phone = normalize_phone(phone)
                except InvalidPhone as exc:
                    return Refusal(row, "phone_format", exc.message)
        joined_on, birth_date = self._date(joined_cell), self._date(birth_cell)
        for key, value in (("joined_on", joined_on), ("birth_date", birth_date)):
            if value is _NOT_A_DATE:
                return Refusal(row, "date_format", _("“%(col)s”无法识别为日期，请写成2023-05-01或2023年5月1日") % {
                    "col": LABELS[key]})
        joined_on = joined_on or self.today
        if joined_on > self.today:
            return Refusal(row, "date_future", _("入会日期不能晚于今天"))
        if birth_date and birth_date != parsed.birth_date:
            return Refusal(row, "birth_date_mismatch", _("出生日期与身份证号中的出生日期不一致"))
        gender = self._code("gender", gender_cell)
        if gender is _UNKNOWN:
            return _unknown(row, "gender", text(gender_cell))
        if gender is not None and gender != parsed.gender:
            return Refusal(row, "gender_mismatch", _("性别与身份证号不一致（身份证号第17位单数为男，双数为女）"))
        for key, raw in zip(_CODED_FIELDS, coded_cells):
            if raw is None:
                continue
            code = self._code(key, raw)
            if code is None:
                continue
            if code is _UNKNOWN:
                return _unknown(row, key, text(raw))
            values[key] = code
        migrant = self._lookup("migrant", migrant_cell, _yes_no)
        if migrant is _UNKNOWN:
            return _unknown(row, "migrant_worker", text(migrant_cell).upper())
        if migrant is not None:
            values["migrant_worker"] = migrant
        values.update(name_initials=initials(name), birth_date=parsed.birth_date, gender=parsed.gender,
                      division_code=parsed.division_code, joined_on=joined_on)
        return Candidate(row=row, id_value=parsed.value, phone=phone, values=values,
                         id_hash=crypto.blind_index(parsed.value, purpose="id_number"))


# The cells `fields()` gives, in this order: the first seven and the last three by name in _fields, the
# code-list columns between them.
_CODED_FIELDS = ("ethnicity", "education", "political_status", "employment_status", "household_type",
                 "skill_level", "employment_form")
_FIELDS = ("name", "id_number", "id_type", "phone", "joined_on", "gender", "birth_date", *_CODED_FIELDS,
           "migrant_worker", "work_unit", "platform_company")
_MEMO_LIMIT = 200_000
_NOT_A_DATE = object()
_UNKNOWN = object()


def _code_of(list_name: str, cell):
    raw = text(cell)
    if not raw:
        return None
    code = code_for_label(list_name, raw)
    return _UNKNOWN if code is None else code


def _date_or_marker(cell):
    try:
        return parse_date(cell)
    except ValueError:
        return _NOT_A_DATE


def _yes_no(cell):
    """True / False for 是 / 否 and their spellings, None for an empty cell, _UNKNOWN for anything else."""
    value = text(cell).upper()
    if not value:
        return None
    if value in _YES:
        return True
    if value in _NO:
        return False
    return _UNKNOWN


def _unknown(row: int, key: str, value: str) -> Refusal:
    shown = value if len(value) <= 20 else value[:20] + "…"
    return Refusal(row, "code_unknown", _("“%(col)s”的值“%(value)s”不在代码表中") % {"col": LABELS[key], "value": shown})
