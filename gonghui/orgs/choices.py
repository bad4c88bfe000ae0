"""Code lists of the union tree. Standards: GB/T 2260 (divisions), GB/T 4754 (industries)."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    FEDERATION = "federation", _("总工会")
    TOWNSHIP = "township", _("乡镇（街道）工会")
    INDUSTRY = "industry", _("产业（行业）工会")
    REGIONAL = "regional", _("区域性工会联合会")
    GRASSROOTS = "grassroots", _("基层工会")
    BRANCH = "branch", _("分会/工会小组")


class OrgLevel(models.TextChoices):
    """The administrative level an org sits at (its federation's level, or the level it belongs to)."""

    NATIONAL = "national", _("全国")
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡镇级")
    GRASSROOTS = "grassroots", _("基层")


class OrgStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    CLOSED = "closed", _("已撤销")
    MERGED = "merged", _("已合并")


class UnitType(models.TextChoices):
    """单位性质类别 of the employer a grassroots union belongs to."""

    ENTERPRISE = "enterprise", _("企业")
    GOVERNMENT = "government", _("机关")
    INSTITUTION = "institution", _("事业单位")
    SOCIAL = "social", _("社会组织")
    OTHER = "other", _("其他")


class Ownership(models.TextChoices):
    """经济类型 of an enterprise (simplified from the statistical registration types)."""

    STATE = "state", _("国有")
    COLLECTIVE = "collective", _("集体")
    PRIVATE = "private", _("私营")
    FOREIGN = "foreign", _("外商投资")
    HMT = "hmt", _("港澳台投资")
    MIXED = "mixed", _("混合所有制")
    OTHER = "other", _("其他")


# GB/T 4754-2017 sections (门类). Grassroots unions carry a full code (e.g. "G5430"); the section letter
# is what statistics group by.
INDUSTRY_SECTIONS = {
    "A": _("农、林、牧、渔业"),
    "B": _("采矿业"),
    "C": _("制造业"),
    "D": _("电力、热力、燃气及水生产和供应业"),
    "E": _("建筑业"),
    "F": _("批发和零售业"),
    "G": _("交通运输、仓储和邮政业"),
    "H": _("住宿和餐饮业"),
    "I": _("信息传输、软件和信息技术服务业"),
    "J": _("金融业"),
    "K": _("房地产业"),
    "L": _("租赁和商务服务业"),
    "M": _("科学研究和技术服务业"),
    "N": _("水利、环境和公共设施管理业"),
    "O": _("居民服务、修理和其他服务业"),
    "P": _("教育"),
    "Q": _("卫生和社会工作"),
    "R": _("文化、体育和娱乐业"),
    "S": _("公共管理、社会保障和社会组织"),
    "T": _("国际组织"),
}
