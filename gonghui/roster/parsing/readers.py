"""Readers: every format becomes (spreadsheet row number, list of cell values) in file order.

Row numbers are the ones Excel shows (1-based, counting title and blank rows), so a refusal points the cadre
at the right line. Cells keep their type: str, int, float, bool, date, datetime or None.

* .xlsx / .xlsm / .xls: python-calamine (5–10× faster than openpyxl, research/performance-anchors.md §3.2);
  legacy .xls falls back to xlrd when calamine cannot open it.
* .csv / .txt: the encoding is decided from the bytes — a UTF-8 BOM means utf-8-sig; a file that decodes as
  strict UTF-8 is UTF-8; otherwise GB18030, a superset of GBK and GB2312 (what Excel on Chinese Windows
  writes). Only when GB18030 fails too is charset-normalizer asked to name the encoding.
"""
import codecs
import csv
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
_BLOCK = 1 << 20


class RosterFileError(ValueError):
    """The file as a whole cannot be read (format, encoding, no header row): one Chinese message."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def __reduce__(self):  # raised in the import's worker process, raised again in its parent
        return type(self), (self.code, self.message)


@dataclass
class FileFacts:
    sha256: str
    encoding: str = ""  # CSV only


def file_facts(path: Path) -> FileFacts:
    """SHA-256 of the bytes and, for CSV, the encoding, in one pass over the file."""
    digest = hashlib.sha256()
    is_csv = path.suffix.lower() in CSV_SUFFIXES
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    utf8, first, bom = True, b"", False
    with path.open("rb") as fh:
        while block := fh.read(_BLOCK):
            digest.update(block)
            if not is_csv:
                continue
            if not first:
                first = block[:65536]
                bom = block.startswith(codecs.BOM_UTF8)
            if utf8 and not bom:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    utf8 = False
    if is_csv and utf8 and not bom:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    encoding = ""
    if is_csv:
        encoding = "utf-8-sig" if bom else "utf-8" if utf8 else _legacy_encoding(path, first)
    return FileFacts(sha256=digest.hexdigest(), encoding=encoding)


def _legacy_encoding(path: Path, sample: bytes) -> str:
    decoder = codecs.getincrementaldecoder("gb18030")("strict")
    try:
        with path.open("rb") as fh:
            while block := fh.read(_BLOCK):
                decoder.decode(block)
        decoder.decode(b"", final=True)
        return "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None:
        raise RosterFileError("encoding", _("无法识别文件的字符编码，请用Excel另存为“CSV UTF-8”或xlsx格式"))
    return best.encoding


class Source:
    """One opened file: `rows()` may be called more than once; `last_row` is the number of its last row."""

    def __init__(self, path: Path, *, encoding: str = ""):
        self.path = path
        self.suffix = path.suffix.lower()
        self.encoding = encoding or "utf-8"
        self._sheet = None
        self._xlrd = None
        if self.suffix in CSV_SUFFIXES:
            with path.open("r", encoding=self.encoding, newline="") as fh:
                sample = "".join(fh.readline() for _line in range(3))
            self.delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
        elif self.suffix in SPREADSHEET_SUFFIXES:
            self._open_sheet()
        else:
            raise RosterFileError("format", _("不支持的文件格式“%(s)s”：请上传xlsx、xls或csv文件") % {
                "s": self.suffix or "?"})

    def _open_sheet(self) -> None:
        from python_calamine import CalamineError, load_workbook

        try:
            self._sheet = load_workbook(str(self.path)).get_sheet_by_index(0)
        except (CalamineError, OSError, ValueError) as exc:
            if self.suffix != ".xls":
                raise RosterFileError("format", _("无法读取这个表格文件，请确认它是Excel文件且没有加密")) from exc
            self._open_xlrd()

    def _open_xlrd(self) -> None:
        import xlrd

        try:
            self._xlrd = xlrd.open_workbook(str(self.path))
        except Exception as exc:  # xlrd raises many unrelated types for a damaged file
            raise RosterFileError("format", _("无法读取这个表格文件，请确认它是Excel文件且没有加密")) from exc

    @property
    def last_row(self) -> int:
        if self._sheet is not None:
            first_row, _col = self._sheet.start or (0, 0)
            return first_row + self._sheet.height
        if self._xlrd is not None:
            return self._xlrd.sheet_by_index(0).nrows
        with self.path.open("r", encoding=self.encoding, newline="") as fh:
            return sum(1 for _row in csv.reader(fh, delimiter=self.delimiter))

    def rows(self) -> Iterator[tuple[int, list]]:
        if self._sheet is not None:
            return self._calamine_rows()
        if self._xlrd is not None:
            return self._xlrd_rows()
        return self._csv_rows()

    def _csv_rows(self) -> Iterator[tuple[int, list]]:
        with self.path.open("r", encoding=self.encoding, newline="") as fh:
            yield from enumerate(csv.reader(fh, delimiter=self.delimiter), start=1)

    def _calamine_rows(self) -> Iterator[tuple[int, list]]:
        # calamine starts at the first used cell: put the rows back at the numbers Excel shows.
        # Empty cells stay "" (every consumer reads "" as empty): no per-cell work on the hot path.
        first_row, first_col = self._sheet.start or (0, 0)
        if first_col:
            pad = [""] * first_col
            for offset, row in enumerate(self._sheet.iter_rows(), start=first_row + 1):
                yield offset, pad + row
        else:
            yield from enumerate(self._sheet.iter_rows(), start=first_row + 1)

    def _xlrd_rows(self) -> Iterator[tuple[int, list]]:
        import xlrd

        book = self._xlrd
        sheet = book.sheet_by_index(0)
        for index in range(sheet.nrows):
            cells = []
            for cell in sheet.row(index):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    cells.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    cells.append(None)
                else:
                    cells.append(cell.value)
            yield index + 1, cells
