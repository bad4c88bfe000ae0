"""The code lists of the member record as data: each named with the standard it follows, in one registry.

The TextChoices in gonghui.members.choices stay the single source of codes and labels; this module only puts
them side by side with their standards and reads the Chinese labels cadres type into spreadsheets
(`code_for_label("ethnicity", "汉")` → "01", `code_for_label("education", "本科")` → "20") for the roster
importer, the exports and the API's description.
"""
from dataclasses import dataclass, field
from functools import cached_property

from gonghui.members import choices


@dataclass(frozen=True)
class CodeList:
    name: str
    standard: str
    entries: dict[str, str]
    # Other ways people write a label (abbreviations, older names): alias → code.
    aliases: dict[str, str] = field(default_factory=dict)

    def label(self, code: str) -> str:
        return self.entries[code]

    def code_for(self, text: str) -> str | None:
        """The code a label, an alias or a code itself stands for; None when it names nothing in the list."""
        key = _normalize(text)
        codes = {_normalize(code): code for code in self.entries}
        if key in codes:
            return codes[key]
        # "1" for "01": spreadsheets drop leading zeros of numeric codes.
        width = max((len(c) for c in self.entries), default=0)
        if key.isdigit() and key.zfill(width) in self.entries:
            return key.zfill(width)
        return self._lookup.get(key)

    @cached_property
    def _lookup(self) -> dict[str, str]:
        table = {_normalize(alias): code for alias, code in self.aliases.items()}
        table.update({_normalize(label): code for code, label in self.entries.items()})
        return table


def _normalize(text) -> str:
    text = "".join(str(text).split()).translate(_FULLWIDTH)
    return text.upper()


_FULLWIDTH = str.maketrans("（）０１２３４５６７８９", "()0123456789")


def _entries(text_choices) -> dict[str, str]:
    return {value: str(label) for value, label in text_choices.choices}


def _ethnicity_aliases() -> dict[str, str]:
    # "汉" for "汉族", "蒙古" for "蒙古族": spreadsheets often drop the 族.
    return {label.removesuffix("族"): code for code, label in choices.ETHNICITIES.items()}


_DEMOCRATIC_PARTIES = ("民革", "民盟", "民建", "民进", "农工党", "致公党", "九三学社", "台盟",
                       "中国国民党革命委员会", "中国民主同盟", "中国民主建国会", "中国民主促进会", "中国农工民主党",
                       "中国致公党", "台湾民主自治同盟", "民主党派")

CODE_LISTS: dict[str, CodeList] = {
    code_list.name: code_list for code_list in [
        CodeList("gender", "GB/T 2261.1-2003 人的性别代码", _entries(choices.Gender),
                 {"男性": "1", "女性": "2"}),
        CodeList("ethnicity", "GB/T 3304-1991 中国各民族名称的罗马字母拼写法和代码", dict(choices.ETHNICITIES),
                 _ethnicity_aliases()),
        CodeList("id_type", "全国工会会员实名制信息采集模板：有效证件类别", _entries(choices.IdType),
                 {"身份证": "1", "二代身份证": "1", "军官证件": "3"}),
        CodeList("education", "GB/T 4658-2006 学历代码（按大类）", _entries(choices.Education), {
            "研究生教育": "10", "博士": "10", "博士研究生": "10", "硕士": "10", "硕士研究生": "10",
            "本科": "20", "大学": "20", "大专": "30", "专科": "30", "高职": "30",
            "中专": "40", "中技": "40", "技校": "40", "职高": "40", "中等专科": "40", "中等专业学校": "40",
            "高中": "60", "普通高中": "60", "初中": "70", "小学及以下": "80", "文盲": "90",
        }),
        CodeList("skill_level", "国家职业资格等级（一级/高级技师至五级/初级工）", _entries(choices.SkillLevel), {
            "高级技师": "1", "一级": "1", "技师": "2", "二级": "2", "高级工": "3", "三级": "3",
            "中级工": "4", "四级": "4", "初级工": "5", "五级": "5",
        }),
        CodeList("household_type", "GA/T 2000.27 户口类别（按实名制模板归并）", _entries(choices.HouseholdType), {
            "农业": "1", "农村户口": "1", "农业户": "1", "非农业": "2", "非农业户": "2", "城镇户口": "2",
            "居民": "3", "居民户": "3", "统一居民户口": "3",
        }),
        CodeList("employment_status", "全国工会会员实名制信息采集模板：就业状况",
                 _entries(choices.EmploymentStatus), {
                     "在职": "1", "待岗": "2", "下岗": "2", "待(下)岗": "2", "内退": "7", "退养": "7",
                     "病假": "8",
                 }),
        CodeList("political_status", "GB/T 4762-1984 政治面貌代码（各民主党派归并为04）",
                 _entries(choices.PoliticalStatus), {
                     "党员": "01", "中国共产党党员": "01", "预备党员": "02", "中国共产党预备党员": "02",
                     "团员": "03", "中国共产主义青年团团员": "03", **dict.fromkeys(_DEMOCRATIC_PARTIES, "04"),
                 }),
        CodeList("membership_change", "全国工会会员实名制信息采集模板：会籍变化类型",
                 _entries(choices.MembershipChange), {"保留": "3"}),
        CodeList("membership_change_reason", "全国工会会员实名制信息采集模板：会籍变化原因（91 会员死亡为本平台扩展）",
                 _entries(choices.MembershipChangeReason), {
                     "退会": "5", "本人申请": "5", "开除": "6", "死亡": "91", "去世": "91", "病故": "91",
                 }),
        CodeList("employment_form", "全总推进新就业形态劳动者入会工作（2023—2025）：新就业形态类型（本平台编码）",
                 _entries(choices.EmploymentForm), {
                     "否": "", "无": "", "快递": "courier", "快递小哥": "courier", "骑手": "rider",
                     "外卖员": "rider", "外卖送餐员": "rider", "网约车": "ride_hailing", "网约车驾驶员": "ride_hailing",
                     "卡车司机": "truck", "货车驾驶员": "truck", "主播": "live_streamer", "家政": "domestic",
                     "家政工": "domestic",
                 }),
    ]
}


def label(list_name: str, code: str) -> str:
    """The Chinese label of `code` in the named list; KeyError for an unknown list or code."""
    return CODE_LISTS[list_name].label(code)


def code_for_label(list_name: str, text: str) -> str | None:
    """The code a typed label stands for ("汉"/"汉族" → "01", "本科"/"大学本科" → "20"); None if nothing."""
    return CODE_LISTS[list_name].code_for(text)

