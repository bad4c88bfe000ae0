"""The annual report (成绩单): a registry of sections, each a title and a function of (org, start, end).

A later service (assistance, insurance, rights …) adds its own section in one place: a module
`gonghui/<app>/report_sections.py` that decorates a function with `@report_section(...)`. `annual_report`
imports every installed app's `report_sections` module once (like Django's admin autodiscovery), so the page,
the .xlsx and the PDF pick the new section up without another change.

    from gonghui.stats.report import Line, SectionBody, report_section

    @report_section("assistance", "困难职工帮扶", order=50)
    def assistance(ctx):
        n = ...  # figures of ctx.org's subtree for ctx.start..ctx.end
        return SectionBody(sentences=[f"{ctx.scope}累计发放帮扶资金{yuan(n)}。"], lines=[Line("帮扶资金", n, "元")])

A section reads figures through `ctx` (`ctx.stock`, `ctx.stock_before`, `ctx.flows`: computed once and shared)
or its own selectors; it never checks permissions (the caller fetched `org` in scope) and never writes.
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from django.utils.module_loading import autodiscover_modules

from gonghui.orgs.choices import OrgKind
from gonghui.orgs.models import Org
from gonghui.stats.periods import month_end


@dataclass(frozen=True)
class Line:
    """One figure of a section, for the tables of the page, the .xlsx and the PDF."""

    label: str
    value: int | float | None
    unit: str = "人"

    @property
    def display(self) -> str:
        if self.value is None:
            return "—"
        if self.unit == "%":
            return f"{self.value:.1f}%"
        return f"{self.value}{self.unit}"


@dataclass
class SectionBody:
    sentences: list[str] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)

    @property
    def paragraph(self) -> str:
        return "".join(self.sentences)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    order: int
    build: Callable[["ReportContext"], SectionBody | None]


SECTIONS: dict[str, Section] = {}


def report_section(key: str, title: str, *, order: int = 100):
    """Register `build(ctx) -> SectionBody | None` (None: nothing to say for this union) under `key`."""

    def register(build):
        SECTIONS[key] = Section(key=key, title=title, order=order, build=build)
        return build

    return register


_discovered = False


def sections() -> list[Section]:
    global _discovered
    if not _discovered:
        autodiscover_modules("report_sections")
        _discovered = True
    return sorted(SECTIONS.values(), key=lambda s: (s.order, s.key))


@dataclass
class ReportContext:
    """What every section may read; the stock and flow figures are computed once, on first use."""

    org: Org
    start: date
    end: date

    @cached_property
    def stock(self) -> dict[str, int]:
        from gonghui.stats.selectors import subtree_figures

        return subtree_figures(self.org, as_of=self.end)

    @cached_property
    def stock_before(self) -> dict[str, int]:
        """The state the day before the period began, for "比期初增长…"."""
        from gonghui.stats.selectors import subtree_figures

        return subtree_figures(self.org, as_of=self.start - timedelta(days=1))

    @cached_property
    def flows(self) -> dict[str, int]:
        from gonghui.stats.selectors import period_flows

        return period_flows(self.org, start=self.start, end=self.end)

    @property
    def scope(self) -> str:
        return scope_word(self.org)

    @property
    def period(self) -> str:
        return period_text(self.start, self.end)


@dataclass
class Report:
    org: Org
    start: date
    end: date
    parts: list[tuple[Section, SectionBody]]

    @property
    def title(self) -> str:
        return f"{self.org.name}{period_text(self.start, self.end)}工作成绩单"

    def lines(self) -> list[tuple[str, Line]]:
        return [(section.title, line) for section, body in self.parts for line in body.lines]


def annual_report(org: Org, *, start: date, end: date) -> Report:
    ctx = ReportContext(org=org, start=start, end=end)
    parts = []
    for section in sections():
        body = section.build(ctx)
        if body is not None and (body.sentences or body.lines):
            parts.append((section, body))
    return Report(org=org, start=start, end=end, parts=parts)


# --- the voice of the union's own articles ------------------------------------------------------------

_PLACE_SUFFIXES = ("自治州", "自治县", "自治旗", "省", "市", "区", "县", "州", "盟", "旗", "镇", "乡", "街道")


def scope_word(org: Org) -> str:
    """全省 / 全市 / 全县 / 全区 for a federation (from its own name), 全镇 for a township, 本会 otherwise."""
    if org.kind in (OrgKind.FEDERATION, OrgKind.TOWNSHIP):
        place = org.name.removesuffix("总工会").removesuffix("工会")
        for suffix in _PLACE_SUFFIXES:
            if place.endswith(suffix):
                return "全" + (suffix if len(suffix) == 1 else suffix[-1])
    if org.kind in (OrgKind.INDUSTRY, OrgKind.REGIONAL):
        return "本联合会"
    return "本会"


def period_text(start: date, end: date) -> str:
    """The period as the articles name it: a year, January to a month's end, else both days (the figures are
    counted to the day, so a period ending mid-month says which day)."""
    if start.month == 1 and start.day == 1 and end == date(start.year, 12, 31):
        return f"{start.year}年"
    if start.month == 1 and start.day == 1 and end.year == start.year and end == month_end(end):
        return f"{start.year}年1月至{end.month}月"
    return f"{start:%Y}年{start.month}月{start.day}日至{end:%Y}年{end.month}月{end.day}日"


def date_text(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def count_text(n: int | None, unit: str = "人") -> str:
    """Numbers as the union's articles write them: 1883.5万人 above a hundred thousand, exact below."""
    if n is None:
        return "—"
    if abs(n) >= 100_000:
        wan = f"{n / 10_000:.2f}".rstrip("0").rstrip(".")
        return f"{wan}万{unit}"
    return f"{n}{unit}"


def percent_text(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"
