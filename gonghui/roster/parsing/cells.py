"""Cell values as cadres type them: text folded to half-width, dates in every Chinese spelling."""
import re
import unicodedata
from datetime import date, datetime, timedelta

_DATE = re.compile(r"^(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*(?:[.\-/月]\s*(\d{1,2})\s*日?|月)?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_EXCEL_EPOCH = date(1899, 12, 30)


def text(cell) -> str:
    """A cell as clean text: full-width folded (NFKC), spaces trimmed; 12.0 → "12"."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return unicodedata.normalize("NFKC", cell).strip()
    if isinstance(cell, bool):
        return "是" if cell else "否"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).strip()


def parse_date(cell) -> date | None:
    """None for an empty cell; ValueError for text that is not a date.

    Accepts real date cells, Excel serial numbers (a date column typed as a number), 2023.5.1, 2023-05-01,
    2023/5/1, 2023年5月1日, 20230501 and a year and month alone (2023.5, 2023年5月: the first of the month)."""
    if cell is None or cell == "":
        return None
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        if 10_000 <= cell < 100_000:
            return _EXCEL_EPOCH + timedelta(days=int(cell))
        cell = text(cell)
    value = text(cell)
    if not value:
        return None
    match = _DATE.match(value) or _COMPACT.match(value)
    if not match:
        raise ValueError(value)
    year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3) or 1)
    return date(year, month, day)
