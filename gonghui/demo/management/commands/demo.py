"""`gonghui demo --province 四川 --scale county|city|province [--seed N] [--members N]`."""
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gonghui.accounts.choices import DUTIES, RoleKind
from gonghui.demo.generate import DEFAULT_SEED, SCALES, NotEmpty, Result, generate
from gonghui.demo.logins import DEMO_PASSWORD
from gonghui.orgs.choices import OrgKind, OrgLevel
from gonghui.orgs.divisions import UnknownDivision


class Command(BaseCommand):
    help = _("在空数据库中生成演示数据：真实行政区划上的工会组织树、合成会员和演示账号")

    def add_arguments(self, parser):
        parser.add_argument("--province", default="四川", help=_("省份名称或代码，如 四川、四川省、51"))
        parser.add_argument("--scale", choices=SCALES, default="county",
                            help=_("county：省会城市的第一个区县；city：省会城市；province：全省"))
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=_("随机种子：种子相同，数据相同"))
        parser.add_argument("--members", type=int, help=_("会员人数（默认：县 60,000；全省 2,000,000）"))
        parser.add_argument("--grassroots", type=int, help=_("基层工会数（默认：县 600；全省 147,000）"))
        parser.add_argument("--logins-file", help=_("另把统计和演示账号写入此文件（quickstart 再次启动时显示）"))

    def handle(self, *args, province, scale, seed, members, grassroots, logins_file=None, **options):
        if members is not None and members < 0 or grassroots is not None and grassroots < 1:
            raise CommandError(_("会员人数和基层工会数必须为正数"))
        try:
            result = generate(province=province, scale=scale, seed=seed, members=members, grassroots=grassroots,
                              progress=self.stderr)
        except UnknownDivision:
            message = _("找不到省份“%(name)s”，请写省份名称（如 四川）或两位代码（如 51）") % {"name": province}
            raise CommandError(message) from None
        except NotEmpty as exc:
            raise CommandError(_(
                "数据库中已有 %(n)s 个工会组织。演示数据只写入空数据库，以免与真实数据混在一起；"
                "请换一个数据目录（GONGHUI_DATA_DIR）或数据库（DATABASE_URL）后重试。") % {"n": f"{exc.args[0]:,}"}
            ) from None
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        text = f"{summary(result)}\n{logins_text(result)}"
        self.stdout.write(text)
        if logins_file:
            Path(logins_file).write_text(text + "\n", encoding="utf-8")


def summary(result: Result) -> str:
    n = result.orgs
    levels = " / ".join(
        f"{OrgLevel(level).label} {n[(OrgKind.FEDERATION, level)]:,}"
        for level in (OrgLevel.PROVINCE, OrgLevel.CITY, OrgLevel.COUNTY) if n[(OrgKind.FEDERATION, level)]
    )
    parts = [f"{OrgKind.FEDERATION.label} {levels}"]
    for kind in (OrgKind.TOWNSHIP, OrgKind.INDUSTRY, OrgKind.REGIONAL, OrgKind.GRASSROOTS, OrgKind.BRANCH):
        total = sum(count for (k, _level), count in n.items() if k == kind)
        parts.append(f"{kind.label} {total:,}")
    lines = [
        _("已生成演示数据（%(province)s，用时 %(s).0f 秒）：") % {
            "province": result.province.name, "s": result.seconds},
        "  " + "；".join(parts),
        "  " + _("共 %(orgs)s 个工会组织；会员 %(members)s 人") % {
            "orgs": f"{result.org_total:,}", "members": f"{result.members:,}"},
    ]
    return "\n".join(lines)


def logins_text(result: Result) -> str:
    lines = ["", _("演示账号（干部用户名登录，密码均为 %(password)s）：") % {"password": DEMO_PASSWORD}]
    for login in result.logins:
        if not login.phone:
            lines.append(f"  {login.username:<18} {login.role:<6} {login.org.name}")
    duties = {str(RoleKind(kind).label) for kind in DUTIES}
    administrators = [login.username for login in result.logins if str(login.role) in duties]
    if administrators:
        # The console asks them for TOTP at once (console.decorators.duty_required); say so before they meet it.
        lines.append(_("管理员账号（%(names)s）登录后须绑定动态验证码：用身份验证器应用（如 FreeOTP、微软或谷歌身份验证器）"
                       "扫描页面上的二维码，或手动输入页面显示的密钥。") % {"names": "、".join(administrators)})
    workers = [login for login in result.logins if login.phone]
    if workers:
        lines.append(_("职工账号（手机号加短信验证码登录；未配置短信网关时验证码打印在服务器控制台）："))
        for login in workers:
            lines.append(f"  {login.phone}  {login.member_name}  {login.org.name}")
    return "\n".join(lines)
