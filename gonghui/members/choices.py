"""Code lists of the real-name member record; the standard each follows is named beside it."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    """GB/T 2261.1-2003."""

    MALE = "1", _("男")
    FEMALE = "2", _("女")


class IdType(models.TextChoices):
    """有效证件类别 of the national real-name template."""

    RESIDENT_ID = "1", _("居民身份证")
    PASSPORT = "2", _("护照")
    MILITARY = "3", _("军官证")


class MemberStatus(models.TextChoices):
    """会籍状态, derived from membership events."""

    ACTIVE = "active", _("在册")
    RETAINED = "retained", _("保留会籍")
    TRANSFERRED = "transferred", _("已转出")
    LEFT = "left", _("已退会")
    STRUCK_OFF = "struck_off", _("已除名")
    DECEASED = "deceased", _("已故")


class EmploymentForm(models.TextChoices):
    """新就业形态 (ACFTU action plan for new forms of employment, 2023–2025)."""

    NONE = "", _("非新就业形态")
    COURIER = "courier", _("快递员")
    RIDER = "rider", _("外卖骑手")
    RIDE_HAILING = "ride_hailing", _("网约车司机")
    TRUCK = "truck", _("货车司机")
    LIVE_STREAMER = "live_streamer", _("网络主播")
    DOMESTIC = "domestic", _("家政服务员")
    OTHER = "other", _("其他新就业形态")


class EmploymentStatus(models.TextChoices):
    """就业状况, national real-name template codes."""

    EMPLOYED = "1", _("在岗")
    LAID_OFF = "2", _("待（下）岗")
    UNEMPLOYED = "3", _("失业")
    RETIRED = "4", _("退休")
    RETIRED_CADRE = "5", _("离休")
    RESIGNED = "6", _("退职")
    EARLY_RETIRED = "7", _("退养（内退）")
    SICK_LEAVE = "8", _("病休")
    OTHER = "9", _("其他")


class Education(models.TextChoices):
    """学历, GB/T 4658-2006 (grouped codes)."""

    POSTGRADUATE = "10", _("研究生")
    BACHELOR = "20", _("大学本科")
    COLLEGE = "30", _("大学专科")
    SECONDARY_VOCATIONAL = "40", _("中等职业教育")
    HIGH_SCHOOL = "60", _("普通高级中学")
    JUNIOR = "70", _("初级中学")
    PRIMARY = "80", _("小学")
    OTHER = "90", _("其他")


class PoliticalStatus(models.TextChoices):
    """政治面貌, GB/T 4762 (grouped as in the national template)."""

    CPC = "01", _("中共党员")
    CPC_PROBATIONARY = "02", _("中共预备党员")
    CYL = "03", _("共青团员")
    DEMOCRATIC_PARTY = "04", _("民主党派成员")
    MASSES = "13", _("群众")


class SkillLevel(models.TextChoices):
    """技能等级: national vocational qualification levels 1 (highest) to 5."""

    SENIOR_TECHNICIAN = "1", _("高级技师（一级）")
    TECHNICIAN = "2", _("技师（二级）")
    SENIOR = "3", _("高级工（三级）")
    INTERMEDIATE = "4", _("中级工（四级）")
    JUNIOR = "5", _("初级工（五级）")


class MembershipChange(models.TextChoices):
    """会籍变化类型, national real-name template codes."""

    JOIN = "1", _("入会")
    TRANSFER_IN = "2", _("转入")
    RETAIN = "3", _("保留会籍")
    TRANSFER_OUT = "4", _("转出")
    STRIKE_OFF = "5", _("除名")
    WITHDRAW = "6", _("退会")


class MembershipChangeReason(models.TextChoices):
    """会籍变化原因, national real-name template codes."""

    LABOUR_RELATION_CHANGED = "1", _("劳动关系变更")
    LAID_OFF = "2", _("下岗待岗")
    UNEMPLOYED = "3", _("失业")
    BANKRUPT = "4", _("企业破产")
    MEMBER_REQUEST = "5", _("本人申请退会")
    EXPELLED = "6", _("违法犯罪被开除")
    # Platform extension, outside the national 1–6 (which has no code for death): a member's death is recorded
    # as 除名 (5, the name leaves the register) with this reason, and the member's status becomes "deceased".
    DECEASED = "91", _("会员死亡")


class HouseholdType(models.TextChoices):
    """户籍类型."""

    AGRICULTURAL = "1", _("农业户口")
    NON_AGRICULTURAL = "2", _("非农业户口")
    RESIDENT = "3", _("居民户口")


# GB/T 3304-1991: "01" is Han; every other code is one of the 55 minorities. Statistics group Han/minority.
HAN = "01"
ETHNICITIES = {
    "01": "汉族", "02": "蒙古族", "03": "回族", "04": "藏族", "05": "维吾尔族", "06": "苗族", "07": "彝族",
    "08": "壮族", "09": "布依族", "10": "朝鲜族", "11": "满族", "12": "侗族", "13": "瑶族", "14": "白族",
    "15": "土家族", "16": "哈尼族", "17": "哈萨克族", "18": "傣族", "19": "黎族", "20": "傈僳族", "21": "佤族",
    "22": "畲族", "23": "高山族", "24": "拉祜族", "25": "水族", "26": "东乡族", "27": "纳西族", "28": "景颇族",
    "29": "柯尔克孜族", "30": "土族", "31": "达斡尔族", "32": "仫佬族", "33": "羌族", "34": "布朗族",
    "35": "撒拉族", "36": "毛南族", "37": "仡佬族", "38": "锡伯族", "39": "阿昌族", "40": "普米族",
    "41": "塔吉克族", "42": "怒族", "43": "乌孜别克族", "44": "俄罗斯族", "45": "鄂温克族", "46": "德昂族",
    "47": "保安族", "48": "裕固族", "49": "京族", "50": "塔塔尔族", "51": "独龙族", "52": "鄂伦春族",
    "53": "赫哲族", "54": "门巴族", "55": "珞巴族", "56": "基诺族",
}
ETHNICITY_CHOICES = sorted(ETHNICITIES.items())
