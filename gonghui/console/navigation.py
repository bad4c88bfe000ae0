"""Small helpers the console views share: where to go after signing in, and a page without a COUNT."""
from dataclasses import dataclass

from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, default: str = "console:home") -> str:
    """The `next` parameter when it points inside this site, else the default page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


@dataclass
class Page:
    """One page of a list, fetched as `per_page + 1` rows so that no COUNT runs over a province's members."""

    rows: list
    number: int
    per_page: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.rows else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.rows)


MAX_PAGE = 10_000


def page_of(queryset, number, per_page: int = 20) -> Page:
    try:
        number = min(max(int(number), 1), MAX_PAGE)
    except (TypeError, ValueError):
        number = 1
    offset = (number - 1) * per_page
    rows = list(queryset[offset: offset + per_page + 1])
    return Page(rows=rows[:per_page], number=number, per_page=per_page, has_next=len(rows) > per_page)


