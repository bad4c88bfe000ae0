"""Pinyin initials for name search: `zw` finds 张伟. Heteronyms take pypinyin's usual reading.

pypinyin costs ~35 µs a name (segmentation, phrase look-up, style conversion), the largest per-row cost of a
roster import once names stop repeating. A name none of whose 2+-character runs is in pypinyin's phrase
dictionary gets each character's own reading, so the initials are the characters' initials, each worked out
by pypinyin once and kept: same answer, ~1 µs. Names that contain a phrase still go through pypinyin.
"""
from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT

_LETTER: dict[str, str] = {}  # character → its initial, as pypinyin gives it for the character alone


def _pypinyin(text: str) -> str:
    letters = lazy_pinyin(text, style=Style.FIRST_LETTER, errors=lambda chars: [c for c in chars])
    return "".join(letters).lower()


def _has_phrase(name: str) -> bool:
    size = len(name)
    return any(name[i:j] in PHRASES_DICT for i in range(size - 1) for j in range(i + 2, size + 1))


@lru_cache(maxsize=65536)
def initials(name: str) -> str:
    if _has_phrase(name):
        return _pypinyin(name)
    out = []
    for char in name:
        letter = _LETTER.get(char)
        if letter is None:
            letter = _LETTER[char] = _pypinyin(char)
        out.append(letter)
    return "".join(out)
