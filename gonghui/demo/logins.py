"""Demo sign-ins: one cadre per level, an auditor, the three administrators (三员) and two workers.

Made through the accounts services, so they are audited and validated like any other account.
"""
from dataclasses import dataclass

from gonghui.accounts.choices import RoleKind
from gonghui.accounts.models import phone_index
from gonghui.accounts.services import cadre_create, role_grant, worker_for_phone
from gonghui.members.models import Member
from gonghui.members.services import member_card_reissue
from gonghui.orgs.models import Org

# Documented in the quick start; it passes the password validators of config/settings.py.
DEMO_PASSWORD = "Gonghui-demo-2026"


@dataclass(frozen=True)
class Login:
    username: str
    display_name: str
    org: Org
    role: str
    phone: str = ""
    member_name: str = ""


def create_logins(*, province: Org, city: Org | None, county: Org, grassroots: Org | None,
                  workers: list[tuple[str, Org]]) -> list[Login]:
    cadres = [
        ("province_cadre", "省总工会干部", province, RoleKind.CHAIR),
        ("city_cadre", "市总工会干部", city, RoleKind.STAFF),
        ("county_cadre", "县总工会干部", county, RoleKind.STAFF),
        ("grassroots_chair", "基层工会主席", grassroots, RoleKind.CHAIR),
        ("auditor", "审计员", province, RoleKind.AUDITOR),
        # Staff status for the admin site comes with the role; TOTP is enrolled at first sign-in there.
        ("sysadmin", "系统管理员", province, RoleKind.SYSADMIN),
        # The other two administrator duties (三员, accounts.duties): accounts, and the audit log.
        ("secadmin", "安全管理员", province, RoleKind.SECADMIN),
        ("auditadmin", "审计管理员", province, RoleKind.AUDITADMIN),
    ]
    logins = []
    for username, display_name, org, kind in cadres:
        if org is None:
            continue
        user = cadre_create(username=username, password=DEMO_PASSWORD, display_name=display_name, actor=None)
        role_grant(user=user, org=org, kind=kind, actor=None)
        logins.append(Login(username, display_name, org, RoleKind(kind).label))
    for phone, org in workers:
        member = Member.objects.filter(org=org, phone_hash=phone_index(phone)).first()
        if member is None:
            continue
        user = worker_for_phone(phone=phone)
        Member.objects.filter(pk=member.pk).update(user=user)
        # Bulk-loaded members carry no card; the two demo workers get theirs, so the card page shows one.
        member_card_reissue(member=member, actor=None)
        logins.append(Login(user.username, member.name, org, "", phone=phone, member_name=member.name))
    return logins
