"""The one registry of figure names (统计指标). Later services append their own figures here.

Stock figures describe a subtree at a date; flow figures count events dated within a period, attributed to
the subtree where they happened (a transfer between two unions of the same subtree is not a flow of it).
Member category figures count ACTIVE members only.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    group: str
    unit: str = "人"


# Groups, in display order.
G_ORGS, G_MEMBERS, G_GENDER, G_ETHNIC, G_AGE, G_EDU, G_OTHER, G_EMP, G_FORMS, G_FLOWS = (
    "组织", "会员", "性别", "民族", "年龄", "学历", "身份", "就业状况", "新就业形态", "会员变动")

STOCK_FIGURES: list[Figure] = [
    Figure("orgs_total", "工会组织总数", G_ORGS, "个"),
    Figure("orgs_federation", "总工会", G_ORGS, "个"),
    Figure("orgs_township", "乡镇（街道）工会", G_ORGS, "个"),
    Figure("orgs_industry", "产业（行业）工会", G_ORGS, "个"),
    Figure("orgs_regional", "区域性工会联合会", G_ORGS, "个"),
    Figure("orgs_grassroots", "基层工会", G_ORGS, "个"),
    Figure("orgs_branch", "分会/工会小组", G_ORGS, "个"),
    Figure("grassroots_new_forms", "新业态工会", G_ORGS, "个"),
    Figure("employees", "建会单位职工人数", G_ORGS),
    Figure("members", "会员总数", G_MEMBERS),
    Figure("members_retained", "保留会籍会员", G_MEMBERS),
    Figure("male", "男性会员", G_GENDER),
    Figure("female", "女性会员", G_GENDER),
    Figure("han", "汉族会员", G_ETHNIC),
    Figure("minority", "少数民族会员", G_ETHNIC),
    Figure("age_35_under", "35岁及以下", G_AGE),
    Figure("age_36_45", "36至45岁", G_AGE),
    Figure("age_46_55", "46至55岁", G_AGE),
    Figure("age_56_over", "56岁及以上", G_AGE),
    Figure("edu_postgraduate", "研究生", G_EDU),
    Figure("edu_bachelor", "大学本科", G_EDU),
    Figure("edu_college", "大学专科", G_EDU),
    Figure("edu_secondary", "高中及中专", G_EDU),
    Figure("edu_junior_under", "初中及以下", G_EDU),
    Figure("edu_other", "其他或未填学历", G_EDU),
    Figure("migrant", "农民工会员", G_OTHER),
    Figure("cpc", "中共党员（含预备党员）", G_OTHER),
    Figure("emp_employed", "在岗", G_EMP),
    Figure("emp_laid_off", "待（下）岗", G_EMP),
    Figure("emp_unemployed", "失业", G_EMP),
    Figure("emp_retired", "退休、离休、退职、内退", G_EMP),
    Figure("emp_other", "其他就业状况", G_EMP),
    Figure("new_forms", "新就业形态劳动者", G_FORMS),
    Figure("form_courier", "快递员", G_FORMS),
    Figure("form_rider", "外卖骑手", G_FORMS),
    Figure("form_ride_hailing", "网约车司机", G_FORMS),
    Figure("form_truck", "货车司机", G_FORMS),
    Figure("form_live_streamer", "网络主播", G_FORMS),
    Figure("form_domestic", "家政服务员", G_FORMS),
    Figure("form_other", "其他新就业形态", G_FORMS),
]

FLOW_FIGURES: list[Figure] = [
    Figure("joined", "新发展会员", G_FLOWS),
    Figure("joined_new_forms", "其中新就业形态劳动者", G_FLOWS),
    Figure("transferred_in", "转入会员", G_FLOWS),
    Figure("transferred_out", "转出会员", G_FLOWS),
    Figure("left", "退会、除名及去世", G_FLOWS),
    Figure("retained", "保留会籍", G_FLOWS),
    Figure("grassroots_founded", "新建基层工会", G_FLOWS, "个"),
]

DERIVED_FIGURES: list[Figure] = [Figure("membership_rate", "入会率", G_MEMBERS, "%")]

FIGURES: list[Figure] = STOCK_FIGURES + FLOW_FIGURES + DERIVED_FIGURES
LABELS: dict[str, str] = {f.key: f.label for f in FIGURES}

STOCK_KEYS: list[str] = [f.key for f in STOCK_FIGURES]
FLOW_KEYS: list[str] = [f.key for f in FLOW_FIGURES]
AGE_KEYS: list[str] = ["age_35_under", "age_36_45", "age_46_55", "age_56_over"]
# Kept in the tally rows (age bands are not: they depend on the as-of year, see stats.models.AgeTally).
TALLY_STOCK_KEYS: list[str] = [k for k in STOCK_KEYS if k not in AGE_KEYS]
TALLY_KEYS: list[str] = TALLY_STOCK_KEYS + FLOW_KEYS


def age_band(age: int) -> str:
    """Age reached in the as-of year (year of the date minus year of birth), the statistical convention."""
    if age <= 35:
        return "age_35_under"
    if age <= 45:
        return "age_36_45"
    if age <= 55:
        return "age_46_55"
    return "age_56_over"
