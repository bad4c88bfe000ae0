"""Code lists as data: every list named with its standard, labels read back to codes as cadres type them."""
import pytest

from gonghui.members import choices
from gonghui.members.codes import CODE_LISTS, code_for_label, label

EXPECTED = {
    "gender": (choices.Gender, "GB/T 2261.1"),
    "ethnicity": (None, "GB/T 3304"),
    "id_type": (choices.IdType, "实名制"),
    "education": (choices.Education, "GB/T 4658"),
    "skill_level": (choices.SkillLevel, "国家职业资格"),
    "household_type": (choices.HouseholdType, "GA/T 2000.27"),
    "employment_status": (choices.EmploymentStatus, "实名制"),
    "political_status": (choices.PoliticalStatus, "GB/T 4762"),
    "membership_change": (choices.MembershipChange, "会籍变化类型"),
    "membership_change_reason": (choices.MembershipChangeReason, "会籍变化原因"),
    "employment_form": (choices.EmploymentForm, "新就业形态"),
}


def test_the_registry_holds_exactly_the_member_record_lists():
    assert set(CODE_LISTS) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_list_names_its_standard_and_mirrors_its_choices(name):
    source, standard = EXPECTED[name]
    code_list = CODE_LISTS[name]

    assert code_list.name == name and standard in code_list.standard
    entries = choices.ETHNICITIES if source is None else {v: str(lbl) for v, lbl in source.choices}
    assert code_list.entries == entries


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_label_and_code_of_every_list_reads_back_to_its_code(name):
    for code, text in CODE_LISTS[name].entries.items():
        assert label(name, code) == text
        assert code_for_label(name, text) == code
        assert code_for_label(name, f" {text} ") == code
        assert code_for_label(name, code) == code


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_alias_points_at_a_code_of_its_list(name):
    code_list = CODE_LISTS[name]
    for alias, code in code_list.aliases.items():
        assert code in code_list.entries, (alias, code)
        assert code_list.code_for(alias) == code


@pytest.mark.parametrize(("name", "text", "code"), [
    ("ethnicity", "汉族", "01"), ("ethnicity", "汉", "01"), ("ethnicity", "维吾尔", "05"), ("ethnicity", "1", "01"),
    ("education", "本科", "20"), ("education", "大学本科", "20"), ("education", "大专", "30"),
    ("education", "硕士研究生", "10"), ("education", "中专", "40"), ("education", "高中", "60"),
    ("gender", "男", "1"), ("gender", "女性", "2"),
    ("id_type", "身份证", "1"),
    ("skill_level", "高级技师", "1"), ("skill_level", "初级工", "5"), ("skill_level", "四级", "4"),
    ("household_type", "农业", "1"), ("household_type", "城镇户口", "2"),
    ("employment_status", "在职", "1"), ("employment_status", "待（下）岗", "2"),
    ("employment_status", "待(下)岗", "2"), ("employment_status", "内退", "7"),
    ("political_status", "党员", "01"), ("political_status", "共青团员", "03"), ("political_status", "九三学社", "04"),
    ("political_status", "1", "01"),
    ("membership_change", "退会", "6"), ("membership_change", "保留", "3"),
    ("membership_change_reason", "死亡", "91"), ("membership_change_reason", "劳动关系变更", "1"),
    ("employment_form", "外卖骑手", "rider"), ("employment_form", "骑手", "rider"), ("employment_form", "否", ""),
])
def test_labels_as_cadres_type_them_map_to_codes(name, text, code):
    assert code_for_label(name, text) == code


@pytest.mark.parametrize(("name", "text"), [("ethnicity", "火星族"), ("education", "幼儿园"), ("gender", "3")])
def test_an_unknown_label_maps_to_nothing(name, text):
    assert code_for_label(name, text) is None


def test_an_unknown_list_or_code_is_a_key_error():
    with pytest.raises(KeyError):
        label("blood_type", "A")
    with pytest.raises(KeyError):
        label("gender", "9")
