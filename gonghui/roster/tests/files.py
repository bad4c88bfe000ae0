"""Roster files as cadres make them, written by the tests: title rows, merged cells, footers, GBK …"""
import csv
from datetime import date, datetime
from pathlib import Path

from gonghui.core import idnumber

HEADER = ["序号", "姓名", "性别", "身份证号码", "手机号码", "入会时间", "民族", "学历", "政治面貌", "是否农民工",
          "工作单位"]


def person(n: int, *, division: str = "510104", born: date = date(1990, 1, 1)) -> str:
    """A valid ID number, different for every n (up to 365,000 people)."""
    day = date.fromordinal(born.toordinal() + n // 1000)
    return idnumber.make(division, day, n % 1000)


def gender_of(id_number: str) -> str:
    return "男" if int(id_number[16]) % 2 else "女"


def people_rows(count: int, *, start: int = 0) -> list[list]:
    rows = []
    for i in range(start, start + count):
        pid = person(i)
        rows.append([i + 1, f"职工{i:05d}", gender_of(pid), pid, f"139{i:08d}", "2023-05-01", "汉族", "本科",
                     "群众", "否", "锦江区某科技公司"])
    return rows


def write_csv(path: Path, rows: list[list], *, encoding: str = "utf-8", header=HEADER, title: str = "") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        if title:
            writer.writerow([title])
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list], *, header=HEADER, footer: bool = True) -> Path:
    """Title in a merged cell, a subtitle, a blank row, the header, the rows, then 制表人/审核人/填表日期."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["锦江区某科技公司工会会员花名册"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(["填报单位（盖章）：锦江区某科技公司工会"])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=4)
    ws.append([])
    ws.append(header)
    for row in rows:
        ws.append(row)
    if footer:
        ws.append([])
        ws.append(["合计", f"{len(rows)}人"])
        ws.append(["制表人：王五", None, "审核人：赵六", None, "填表日期：", datetime(2024, 1, 5)])
    wb.save(path)
    return path


def write_xls(path: Path, rows: list[list], *, header=HEADER) -> Path:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("花名册")
    dates = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    sheet.write_merge(0, 0, 0, len(header) - 1, "会员花名册")
    for col, value in enumerate(header):
        sheet.write(1, col, value)
    for r, row in enumerate(rows, start=2):
        for col, value in enumerate(row):
            if isinstance(value, (date, datetime)):
                sheet.write(r, col, value, dates)
            else:
                sheet.write(r, col, value)
    book.save(str(path))
    return path
