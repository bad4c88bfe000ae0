"""Unified social credit codes (GB 32100): structure and check character."""
import pytest

from gonghui.core import uscc
from gonghui.core.uscc import InvalidUscc


def test_a_published_code_is_valid():
    # The check-character example commonly quoted for GB 32100 (a real enterprise's code).
    assert uscc.validate("91350100M000100Y43") == "91350100M000100Y43"


def test_a_made_code_is_valid_and_normalised_from_lowercase_and_spaces():
    code = uscc.make("510104", 1)

    assert uscc.validate(code) == code
    assert uscc.validate(" " + code.lower()[:9] + " " + code.lower()[9:]) == code


def test_full_width_characters_are_normalised():
    code = uscc.make("510104", 12345)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)

    assert uscc.validate(full_width) == code


def test_a_wrong_check_character_is_refused():
    code = uscc.make("510104", 1)
    wrong = code[:17] + ("0" if code[17] != "0" else "1")

    with pytest.raises(InvalidUscc) as caught:
        uscc.validate(wrong)

    assert caught.value.code == "uscc_check"
    assert caught.value.message == "统一社会信用代码校验位不正确"


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_the_letters_i_o_s_v_z_are_refused(letter):
    code = uscc.make("510104", 1)
    with_letter = code[:10] + letter + code[11:]

    with pytest.raises(InvalidUscc) as caught:
        uscc.validate(with_letter)

    assert caught.value.code == "uscc_format"
    assert "不含I、O、S、V、Z" in caught.value.message


def test_a_code_of_the_wrong_length_is_refused():
    with pytest.raises(InvalidUscc) as caught:
        uscc.validate("91350100M000100Y4")

    assert caught.value.code == "uscc_format"


def test_a_division_part_with_letters_is_refused():
    first17 = "91A50100M000100Y4"
    with pytest.raises(InvalidUscc) as caught:
        uscc.validate(first17 + uscc.check_character(first17))

    assert caught.value.code == "uscc_format"
    assert caught.value.message == "统一社会信用代码第3至8位应为行政区划代码"
