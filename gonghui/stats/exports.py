"""Figures as files: any table as an .xlsx, the annual report as an .xlsx and a PDF.

The .xlsx cells go through `roster.export.safe_cell` (text a spreadsheet would run as a formula gets an
apostrophe): org names are typed by cadres. The PDF uses reportlab's built-in CID font STSong-Light, which
every PDF reader carries for Chinese, so nothing is downloaded or embedded and no font file ships with us.
"""
from dataclasses import dataclass
from io import BytesIO

from gonghui.roster.export import safe_cell
from gonghui.stats.report import Report, date_text

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Table:
    """A titled grid: what the dashboard shows, what the .xlsx holds."""

    title: str
    header: list[str]
    rows: list[list]
    note: str = ""


def tables_xlsx(tables: list[Table]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for table in tables:
        sheet = workbook.create_sheet(_sheet_name(table.title, used))
        sheet.append([safe_cell(table.title)])
        sheet["A1"].font = Font(bold=True, size=13)
        if table.note:
            sheet.append([safe_cell(table.note)])
        sheet.append([safe_cell(h) for h in table.header])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([safe_cell(v) for v in row])
        sheet.column_dimensions["A"].width = max(16, min(40, max((len(str(r[0])) for r in table.rows), default=8) * 2))
        for letter in "BCDEFGHIJKLMNOP"[: max(len(table.header) - 1, 0)]:
            sheet.column_dimensions[letter].width = 14
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_name(title: str, used: set[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ , unique in the workbook.
    base = "".join(ch for ch in title if ch not in "[]:*?/\\")[:28] or "Sheet"
    name, n = base, 2
    while name in used:
        name, n = f"{base[:26]}{n}", n + 1
    used.add(name)
    return name


def report_tables(report: Report) -> list[Table]:
    figures = Table(title=report.title, header=["类别", "项目", "数值", "单位"],
                    rows=[[section, line.label, line.value, line.unit] for section, line in report.lines()],
                    note=f"统计范围：{report.org.name}及其全部下级组织；期间：{date_text(report.start)}至{date_text(report.end)}")
    text = Table(title="文字稿", header=["部分", "内容"],
                 rows=[[section.title, body.paragraph] for section, body in report.parts])
    return [figures, text]


def report_xlsx(report: Report) -> bytes:
    return tables_xlsx(report_tables(report))


def report_pdf(report: Report) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table as PdfTable, TableStyle
    from xml.sax.saxutils import escape

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=4 * mm)
    sub = ParagraphStyle("sub", fontName=font, fontSize=10, leading=14, alignment=TA_CENTER,
                         textColor=colors.HexColor("#646a73"), spaceAfter=6 * mm)
    heading = ParagraphStyle("heading", fontName=font, fontSize=13, leading=18, spaceBefore=5 * mm, spaceAfter=2 * mm,
                             textColor=colors.HexColor("#a00d25"))
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=18, firstLineIndent=22, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName=font, fontSize=9.5, leading=13, wordWrap="CJK")

    story = [Paragraph(escape(report.title), title),
             Paragraph(escape(f"统计范围：{report.org.name}及其全部下级组织 · "
                              f"{date_text(report.start)}至{date_text(report.end)}"), sub)]
    for section, part in report.parts:
        story.append(Paragraph(escape(section.title), heading))
        if part.sentences:
            story.append(Paragraph(escape(part.paragraph), body))
        if part.lines:
            rows = [[Paragraph(escape(line.label), cell), Paragraph(escape(line.display), cell)] for line in part.lines]
            grid = PdfTable(rows, colWidths=[70 * mm, 40 * mm], hAlign="LEFT")
            grid.setStyle(TableStyle([
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#d0d3d9")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]))
            story += [Spacer(1, 2 * mm), grid]
    buffer = BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm, title=report.title, author=report.org.name)
    doc.build(story)
    return buffer.getvalue()
