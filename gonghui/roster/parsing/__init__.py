"""Reading roster files: `open_roster(path)` gives the header's columns and the data rows below it."""
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from gonghui.roster.parsing.headers import LABELS, SYNONYMS, find_header
from gonghui.roster.parsing.readers import FileFacts, RosterFileError, Source, file_facts

__all__ = ["LABELS", "SYNONYMS", "Roster", "RosterFileError", "open_roster"]


@dataclass
class Roster:
    path: Path
    facts: FileFacts
    source: Source
    header_row: int
    columns: dict[str, int]

    @property
    def sha256(self) -> str:
        return self.facts.sha256

    def data_rows(self) -> Iterator[tuple[int, list]]:
        """(spreadsheet row number, cells) of every row below the header, blank ones included."""
        for number, cells in self.source.rows():
            if number > self.header_row:
                yield number, cells

    def rows_total(self) -> int:
        return max(0, self.source.last_row - self.header_row)


def open_roster(path) -> Roster:
    path = Path(path)
    if not path.is_file():
        raise RosterFileError("missing", f"找不到文件：{path}")
    facts = file_facts(path)
    source = Source(path, encoding=facts.encoding)
    header_row, columns = find_header(source.rows())
    return Roster(path=path, facts=facts, source=source, header_row=header_row, columns=columns)
