"""The one masking rule, mobile-number normalisation and pinyin initials."""
import pytest

from gonghui.core.masking import mask_id_number, mask_name, mask_phone
from gonghui.core.phone import InvalidPhone, normalize_phone
from gonghui.core.pinyin import initials


def test_an_id_number_keeps_its_first_four_and_last_four_characters():
    assert mask_id_number("360830198501012035") == "3608**********2035"
    assert mask_id_number("11010519491231002X") == "1101**********002X"


def test_a_phone_number_keeps_its_first_three_and_last_four_digits():
    assert mask_phone("13812341234") == "138****1234"


def test_empty_values_mask_to_empty_and_short_ones_to_stars():
    assert mask_id_number("") == ""
    assert mask_id_number(None) == ""
    assert mask_phone("") == ""
    assert mask_id_number("1234") == "****"
    assert mask_phone("12345") == "*****"


def test_a_name_keeps_its_first_character():
    assert mask_name("张伟") == "张*"
    assert mask_name("欧阳小明") == "欧***"


@pytest.mark.parametrize("raw", [
    "13812341234", "138 1234 1234", "138-1234-1234", "+8613812341234", "+86 138 1234 1234", "008613812341234",
    "１３８１２３４１２３４",
])
def test_a_mobile_number_is_normalised_to_eleven_digits(raw):
    assert normalize_phone(raw) == "13812341234"


@pytest.mark.parametrize("raw", ["12812341234", "1381234123", "138123412345", "02812345678", "1381234123a", ""])
def test_a_number_that_is_not_a_mainland_mobile_is_refused(raw):
    with pytest.raises(InvalidPhone) as caught:
        normalize_phone(raw)

    assert caught.value.message == "手机号码应为11位数字，以1开头"


def test_pinyin_initials_of_a_name():
    assert initials("张伟") == "zw"
    assert initials("欧阳小明") == "oyxm"


def test_letters_in_a_name_are_kept_in_lowercase():
    assert initials("李A") == "la"
