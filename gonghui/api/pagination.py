"""Pages of a list: `?page=2&page_size=50`, answered as {items, count, page, page_size, has_next}."""
from typing import Any

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import PaginationBase

MAX_PAGE_SIZE = 200


class PagePagination(PaginationBase):
    """Page-number pages that know whether another page follows without counting the rows.

    `count=False` leaves `count` out (null): counting a province's members is a scan of millions of rows,
    which a phone paging through search results does not need.
    """

    class Input(Schema):
        page: int = Field(1, ge=1)
        page_size: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=MAX_PAGE_SIZE)

    class Output(Schema):
        items: list[Any]
        count: int | None = Field(None, description="符合条件的总数；会员列表不统计总数，为 null")
        page: int
        page_size: int
        has_next: bool

    def __init__(self, *, count: bool = True, **kwargs: Any) -> None:
        self.count = count
        super().__init__(**kwargs)

    def paginate_queryset(self, queryset, pagination: Input, request, **params: Any) -> dict:
        size = pagination.page_size
        offset = (pagination.page - 1) * size
        # One row more than the page tells whether a next page exists.
        rows = list(queryset[offset : offset + size + 1])
        return {
            "items": rows[:size],
            "count": self._items_count(queryset) if self.count else None,
            "page": pagination.page,
            "page_size": size,
            "has_next": len(rows) > size,
        }
