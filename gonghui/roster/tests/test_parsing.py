"""Reading roster files: formats, encodings, title rows, footers, header synonyms and date spellings."""
from datetime import date, datetime

import pytest

from gonghui.roster.parsing import RosterFileError, open_roster
from gonghui.roster.parsing.cells import parse_date
from gonghui.roster.parsing.headers import header_key, map_header
from gonghui.roster.tests.files import HEADER, people_rows, write_csv, write_xls, write_xlsx


def _names(roster):
    col = roster.columns["name"]
    return [cells[col] for _n, cells in roster.data_rows() if len(cells) > col and cells[col]]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_a_csv_is_read_in_utf8_with_or_without_bom_and_in_gbk(tmp_path, encoding):
    path = write_csv(tmp_path / "r.csv", people_rows(3), encoding=encoding, title="会员花名册")
    roster = open_roster(path)
    expected = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "gbk": "gb18030", "gb18030": "gb18030"}[encoding]
    assert roster.facts.encoding == expected
    assert roster.header_row == 2
    assert _names(roster) == ["职工00000", "职工00001", "职工00002"]
    assert roster.rows_total() == 3


def test_an_xlsx_with_merged_title_rows_and_a_footer_keeps_excel_row_numbers(tmp_path):
    rows = people_rows(2)
    rows[0][5] = datetime(2021, 3, 4)
    path = write_xlsx(tmp_path / "r.xlsx", rows)
    roster = open_roster(path)
    assert roster.header_row == 4
    data = [(n, cells) for n, cells in roster.data_rows()]
    assert data[0][0] == 5 and data[0][1][roster.columns["name"]] == "职工00000"
    assert isinstance(data[0][1][roster.columns["joined_on"]], (date, datetime))


def test_a_legacy_xls_is_read(tmp_path):
    pytest.importorskip("xlwt")
    rows = people_rows(2)
    rows[1][5] = date(2020, 1, 2)
    roster = open_roster(write_xls(tmp_path / "r.xls", rows))
    assert roster.header_row == 2
    assert _names(roster) == ["职工00000", "职工00001"]
    cells = list(roster.data_rows())[1][1]
    assert parse_date(cells[roster.columns["joined_on"]]) == date(2020, 1, 2)


def test_header_synonyms_fullwidth_and_required_marks_are_recognised():
    columns = map_header(["＊姓名", "公民身份号码（必填）", "联系电话", "入会日期", "文化程度", "职业类型", " 平台企业 "])
    assert columns == {"name": 0, "id_number": 1, "phone": 2, "joined_on": 3, "education": 4,
                       "employment_form": 5, "platform_company": 6}
    assert header_key("证件号码:") == "证件号码"


def test_a_file_without_a_header_row_is_refused_as_a_whole(tmp_path):
    path = write_csv(tmp_path / "r.csv", [["a", "b"]], header=["甲", "乙"])
    with pytest.raises(RosterFileError) as exc:
        open_roster(path)
    assert exc.value.code == "header_not_found"


def test_an_unsupported_format_is_refused(tmp_path):
    path = tmp_path / "r.pdf"
    path.write_bytes(b"%PDF")
    with pytest.raises(RosterFileError):
        open_roster(path)


@pytest.mark.parametrize("raw", ["2023.5.1", "2023-05-01", "2023/5/1", "2023年5月1日", "20230501", "２０２３年５月１日",
                                 "2023-05-01 00:00:00", date(2023, 5, 1), datetime(2023, 5, 1, 0, 0), 45047])
def test_dates_in_every_chinese_spelling(raw):
    assert parse_date(raw) == date(2023, 5, 1)


def test_a_date_that_is_not_one_is_an_error():
    with pytest.raises(ValueError):
        parse_date("五月一日")
    assert parse_date("") is None and parse_date(None) is None


def test_header_fixture_has_the_national_names():
    assert "身份证号码" in HEADER
