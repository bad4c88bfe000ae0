"""Pinyin initials for name search: `zw` finds 张伟. Heteronyms take pypinyin's usual reading."""
from functools import lru_cache

from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=65536)
def initials(name: str) -> str:
    letters = lazy_pinyin(name, style=Style.FIRST_LETTER, errors=lambda chars: [c for c in chars])
    return "".join(letters).lower()
