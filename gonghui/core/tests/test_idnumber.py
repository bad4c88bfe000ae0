"""Resident ID numbers: format, birth date and check digit, never the county's age."""
import random
from datetime import date

import pytest

from gonghui.core import idnumber
from gonghui.core.idnumber import InvalidIdNumber

TODAY = date(2026, 6, 1)


def _with_check_digit(first17: str) -> str:
    return first17 + idnumber.check_digit(first17)


def test_a_valid_number_gives_its_division_birth_date_and_gender():
    parsed = idnumber.parse("11010519491231002X", today=TODAY)

    assert parsed.value == "11010519491231002X"
    assert parsed.division_code == "110105"
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.gender == "2"


def test_an_odd_sequence_digit_is_male_and_an_even_one_female():
    assert idnumber.parse(idnumber.make("510104", date(1990, 5, 17), 123), today=TODAY).gender == "1"
    assert idnumber.parse(idnumber.make("510104", date(1990, 5, 17), 124), today=TODAY).gender == "2"


def test_a_wrong_check_digit_is_refused_naming_the_last_digit():
    valid = idnumber.make("510104", date(1990, 5, 17), 123)
    wrong = valid[:17] + ("0" if valid[17] != "0" else "1")

    with pytest.raises(InvalidIdNumber) as caught:
        idnumber.parse(wrong, today=TODAY)

    assert caught.value.code == "id_check_digit"
    assert caught.value.message == "身份证号校验位不正确，请核对最后一位"


def test_an_impossible_birth_date_is_refused_even_with_a_correct_check_digit():
    number = _with_check_digit("51010419900230123")

    with pytest.raises(InvalidIdNumber) as caught:
        idnumber.parse(number, today=TODAY)

    assert caught.value.code == "id_birth_date"
    assert caught.value.message == "身份证号中的出生日期不存在"


def test_a_birth_date_in_the_future_is_refused():
    number = idnumber.make("510104", date(2030, 1, 1), 123)

    with pytest.raises(InvalidIdNumber) as caught:
        idnumber.parse(number, today=TODAY)

    assert caught.value.code == "id_birth_date"
    assert caught.value.message == "身份证号中的出生日期不合理"


def test_a_birth_year_before_1900_is_refused():
    with pytest.raises(InvalidIdNumber) as caught:
        idnumber.parse(idnumber.make("510104", date(1899, 12, 31), 123), today=TODAY)

    assert caught.value.code == "id_birth_date"


@pytest.mark.parametrize("raw", [
    "51010419900517123", "5101041990051712345", "51010419900517123Y", "A10104199005171234",
])
def test_a_number_of_the_wrong_shape_is_refused(raw):
    with pytest.raises(InvalidIdNumber) as caught:
        idnumber.parse(raw, today=TODAY)

    assert caught.value.code == "id_format"
    assert caught.value.message == "身份证号应为18位：17位数字加1位数字或X"


def test_an_unknown_province_code_is_refused():
    with pytest.raises(InvalidIdNumber) as caught:
        idnumber.parse(idnumber.make("990104", date(1990, 5, 17), 123), today=TODAY)

    assert caught.value.code == "id_division"


def test_a_lowercase_x_is_read_as_an_uppercase_x():
    assert idnumber.parse("11010519491231002x", today=TODAY).value == "11010519491231002X"


def test_full_width_digits_and_spaces_are_normalised():
    valid = idnumber.make("510104", date(1990, 5, 17), 123)
    full_width = " ".join(chr(ord(c) + 0xFEE0) for c in valid)  # "５ １ ０ …", as typed by a Chinese IME

    assert idnumber.normalize(full_width) == valid
    assert idnumber.parse(full_width, today=TODAY).value == valid
    assert idnumber.parse("１１０１０５１９４９１２３１００２ｘ", today=TODAY).value == "11010519491231002X"


def test_a_jian_person_born_in_1985_with_a_county_code_created_in_2000_is_accepted():
    # 360830 (永新县 of 吉安市) has existed only since 2000; the number carries the issuing office's code.
    number = idnumber.make("360830", date(1985, 3, 8), 202)

    parsed = idnumber.parse(number, today=TODAY)

    assert parsed.division_code == "360830"
    assert parsed.birth_date == date(1985, 3, 8)


def test_make_builds_numbers_that_parse_back():
    number = idnumber.make("510105", date(1985, 1, 2), 246)

    assert len(number) == 18
    assert idnumber.parse(number, today=TODAY).birth_date == date(1985, 1, 2)


def test_the_check_digit_tables_agree_with_the_iso_7064_definition_on_every_position():
    weights = [pow(2, 17 - i, 11) for i in range(17)]  # MOD 11-2: position i weighs 2^(17-i) mod 11
    rng = random.Random(7064)
    for _ in range(5000):
        first17 = "".join(rng.choice("0123456789") for _ in range(17))
        expected = "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]
        assert idnumber.check_digit(first17) == expected
    # known numbers (GB 11643-1999's example, and one ending in X)
    assert idnumber.check_digit("11010519491231002") == "X"
    assert idnumber.check_digit("44052418800101001") == "4"
