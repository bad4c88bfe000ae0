"""The shared cast of every test: a small union tree and the people who act on it.

Built through the real services, so tests start from states the platform can actually reach.
(Test support only: it imports the domain apps above core, which production code in core never does.)

    四川省总工会 (province)                          江西省总工会 (other province)
    ├── 成都市总工会 (city)                          └── 吉安市总工会 → 泰和县总工会 → 泰和某企业工会
    │   ├── 锦江区总工会 (county) ← county_cadre
    │   │   ├── 锦江区某科技公司工会 (grassroots) ← grassroots_cadre, worker
    │   │   └── 锦江区快递行业工会联合会 (industry)
    │   └── 青羊区总工会 (sibling county) ← other_county_cadre
    │       └── 青羊区某医院工会 (grassroots) ← other_worker
    └── 绵阳市总工会 (sibling city)
"""
from dataclasses import dataclass, field
from datetime import date

from gonghui.accounts.choices import RoleKind
from gonghui.accounts.models import User
from gonghui.accounts.services import cadre_create, role_grant, worker_for_phone
from gonghui.core import idnumber, uscc
from gonghui.members.models import Member
from gonghui.members.services import member_register
from gonghui.orgs.choices import OrgKind, OrgLevel
from gonghui.orgs.models import Org
from gonghui.orgs.services import org_create

PASSWORD = "Gonghui-test-2026"
WORKER_PHONE = "13800010001"
OTHER_WORKER_PHONE = "13800020002"
WORKER_ID = idnumber.make("510104", date(1990, 5, 17), 123)  # 锦江区, male
OTHER_WORKER_ID = idnumber.make("510105", date(1985, 1, 2), 246)  # 青羊区, female


@dataclass
class World:
    orgs: dict[str, Org] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)

    def __getattr__(self, name):
        for table in ("orgs", "users", "members"):
            values = self.__dict__.get(table, {})
            if name in values:
                return values[name]
        raise AttributeError(name)


def _org(parent, name, kind, level, code, division, **extra):
    return org_create(parent=parent, name=name, kind=kind, level=level, code=code, division_code=division,
                      actor=None, **extra)


def _grassroots(parent, name, code, division, serial):
    return _org(parent, name, OrgKind.GRASSROOTS, OrgLevel.GRASSROOTS, code, division,
                employer_name=name.removesuffix("工会"), uscc=uscc.make(division, serial), industry_code="I6510",
                unit_type="enterprise", ownership="private", employee_count=120, founded_on=date(2015, 3, 1))


def build_world() -> World:
    w = World()
    o = w.orgs
    o["province"] = _org(None, "四川省总工会", OrgKind.FEDERATION, OrgLevel.PROVINCE, "51", "510000")
    o["city"] = _org(o["province"], "成都市总工会", OrgKind.FEDERATION, OrgLevel.CITY, "5101", "510100")
    o["county"] = _org(o["city"], "锦江区总工会", OrgKind.FEDERATION, OrgLevel.COUNTY, "510104", "510104")
    o["grassroots"] = _grassroots(o["county"], "锦江区某科技公司工会", "510104G1", "510104", 1)
    o["industry"] = _org(o["county"], "锦江区快递行业工会联合会", OrgKind.INDUSTRY, OrgLevel.COUNTY, "510104I1",
                         "510104", new_forms=True, organised_forms=["courier"])
    o["sibling_county"] = _org(o["city"], "青羊区总工会", OrgKind.FEDERATION, OrgLevel.COUNTY, "510105", "510105")
    o["sibling_grassroots"] = _grassroots(o["sibling_county"], "青羊区某医院工会", "510105G1", "510105", 2)
    o["sibling_city"] = _org(o["province"], "绵阳市总工会", OrgKind.FEDERATION, OrgLevel.CITY, "5107", "510700")
    o["other_province"] = _org(None, "江西省总工会", OrgKind.FEDERATION, OrgLevel.PROVINCE, "36", "360000")
    o["other_city"] = _org(o["other_province"], "吉安市总工会", OrgKind.FEDERATION, OrgLevel.CITY, "3608", "360800")
    o["other_county"] = _org(o["other_city"], "泰和县总工会", OrgKind.FEDERATION, OrgLevel.COUNTY, "360826",
                             "360826")
    o["other_grassroots"] = _grassroots(o["other_county"], "泰和某企业工会", "360826G1", "360826", 3)

    u = w.users
    for key, org_key, kind, name in [
        ("province_cadre", "province", RoleKind.CHAIR, "省总干部"),
        ("city_cadre", "city", RoleKind.STAFF, "市总干部"),
        ("county_cadre", "county", RoleKind.STAFF, "县总干部"),
        ("grassroots_cadre", "grassroots", RoleKind.CHAIR, "基层主席"),
        ("other_county_cadre", "sibling_county", RoleKind.STAFF, "邻县干部"),
        ("other_province_cadre", "other_province", RoleKind.CHAIR, "外省干部"),
        ("auditor", "province", RoleKind.AUDITOR, "审计员"),
    ]:
        u[key] = cadre_create(username=key, password=PASSWORD, display_name=name, actor=None)
        role_grant(user=u[key], org=o[org_key], kind=kind, actor=None)
    u["stranger"] = cadre_create(username="stranger", password=PASSWORD, display_name="陌生人", actor=None)

    u["worker"] = worker_for_phone(phone=WORKER_PHONE)
    u["other_worker"] = worker_for_phone(phone=OTHER_WORKER_PHONE)
    m = w.members
    m["worker_member"] = member_register(org=o["grassroots"], name="张伟", id_number=WORKER_ID,
                                         phone=WORKER_PHONE, joined_on=date(2020, 6, 1), actor=None)
    m["other_member"] = member_register(org=o["sibling_grassroots"], name="李娜", id_number=OTHER_WORKER_ID,
                                        phone=OTHER_WORKER_PHONE, joined_on=date(2018, 9, 1), actor=None)
    m["other_province_member"] = member_register(
        org=o["other_grassroots"], name="王芳", id_number=idnumber.make("360830", date(1985, 3, 8), 202),
        joined_on=date(2019, 1, 1), actor=None)
    Member.objects.filter(pk=m["worker_member"].pk).update(user=u["worker"])
    Member.objects.filter(pk=m["other_member"].pk).update(user=u["other_worker"])
    for member in m.values():
        member.refresh_from_db()
    return w
