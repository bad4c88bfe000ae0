"""The header row: found below any title rows, its cells mapped to fields through their usual synonyms."""
import re
import unicodedata

from django.utils.translation import gettext as _

from gonghui.roster.parsing.readers import RosterFileError

HEADER_SCAN_ROWS = 20

# field → the ways cadres head that column (national template names first).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "会员姓名", "职工姓名", "名字"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证", "居民身份证号码", "身份证件号码",
                  "公民身份证号码", "证件号"),
    "id_type": ("有效证件类别", "证件类别", "证件类型"),
    "phone": ("手机", "手机号", "手机号码", "联系电话", "移动电话", "电话", "联系方式", "电话号码"),
    "joined_on": ("入会时间", "入会日期", "加入工会时间", "入会年月"),
    "gender": ("性别",),
    "birth_date": ("出生日期", "出生年月", "出生年月日"),
    "ethnicity": ("民族",),
    "education": ("学历", "文化程度", "最高学历"),
    "political_status": ("政治面貌",),
    "employment_status": ("就业状况", "就业状态"),
    "household_type": ("户籍类型", "户口类型", "户口性质", "户籍性质"),
    "migrant_worker": ("是否农民工", "农民工"),
    "work_unit": ("工作单位", "单位名称", "所在单位", "单位"),
    "skill_level": ("技能等级", "职业技能等级"),
    "employment_form": ("新就业形态", "新就业形态类型", "职业类型"),
    "platform_company": ("平台企业", "所属平台", "平台名称"),
}
LABELS = {field: names[0] for field, names in SYNONYMS.items()}
_LOOKUP = {name: field for field, names in SYNONYMS.items() for name in names}
_NOISE = re.compile(r"[\s*:：]|\(.*?\)|\[.*?\]")


def header_key(cell) -> str:
    """`* 身份证号码（必填）` → `身份证号码`: full-width folded, stars, colons and bracketed notes dropped."""
    if cell is None:
        return ""
    return _NOISE.sub("", unicodedata.normalize("NFKC", str(cell)))


def map_header(cells: list) -> dict[str, int]:
    """field → column index for the cells of one row; the first column wins when two name the same field."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        field = _LOOKUP.get(header_key(cell))
        if field and field not in columns:
            columns[field] = index
    return columns


def find_header(rows) -> tuple[int, dict[str, int]]:
    """The row (its spreadsheet number) among the first HEADER_SCAN_ROWS that names the most known columns."""
    best_number, best = 0, {}
    for number, cells in rows:
        columns = map_header(cells)
        if len(columns) > len(best):
            best_number, best = number, columns
        if number >= HEADER_SCAN_ROWS:
            break
    if "name" not in best or "id_number" not in best:
        raise RosterFileError("header_not_found", _(
            "没有找到表头行：表格前%(n)d行中应有一行列名，至少包括“姓名”和“身份证号”") % {"n": HEADER_SCAN_ROWS})
    return best_number, best
