"""What the audit log shows an auditor for an event's codes: the action and the object type in Chinese.

The one table of action labels. Every action string a service passes to `audit.record` has a row here
(gonghui/core/tests/test_audit_labels.py reads the source and fails on a new action without one); an action
missing anyway (an event written by an older release) shows its code.
"""
import json

from django.apps import apps
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "api_token.create": _("创建API令牌"),
    "audit.purge": _("清理过期审计事件"),
    "demo.generate": _("生成演示数据"),
    "join.apply": _("提交入会申请"),
    "join.approve": _("批准入会申请"),
    "join.reject": _("驳回入会申请"),
    "join.withdraw": _("撤回入会申请"),
    "member.card_first_issue": _("首次发放电子会员卡"),
    "member.card_reissue": _("补发电子会员卡"),
    "member.end": _("终止会籍"),
    "member.join": _("会员入会"),
    "member.reattach": _("整体转移会员（工会合并）"),
    "member.register": _("登记会员"),
    "member.rejoin": _("重新入会"),
    "member.transfer": _("会员转会"),
    "member.unmask": _("查看完整号码"),
    "member.update": _("修改会员信息"),
    "org.close": _("撤销工会组织"),
    "org.create": _("新建工会组织"),
    "org.merge": _("合并工会组织"),
    "org.move": _("调整上级工会"),
    "org.update": _("修改工会组织信息"),
    "otp.confirm": _("绑定身份验证器（两步验证）"),
    "role.grant": _("授予角色"),
    "role.revoke": _("撤销角色"),
    "roster.dry_run": _("花名册试导入（只检查不写入）"),
    "roster.export": _("导出花名册（号码已脱敏）"),
    "roster.export_unmasked": _("导出含完整号码的花名册"),
    "roster.import": _("导入花名册"),
    "roster.refused_download": _("下载花名册拒绝行"),
    "roster.resume": _("继续中断的花名册导入"),
    "roster.upload": _("上传花名册"),
    "transfer.accept": _("接收转会"),
    "transfer.cancel": _("撤回转会"),
    "transfer.decline": _("拒绝转会"),
    "transfer.request": _("发起转会"),
    "user.create": _("新建账号"),
    "user.disable": _("停用账号"),
    "user.password_change": _("修改密码"),
    "user.worker_signup": _("职工注册账号"),
}


# Object types whose model has no Chinese verbose_name (a third-party app's).
OBJECT_LABELS = {"otp_totp.totpdevice": _("身份验证器（TOTP）")}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def object_type_label(object_type: str) -> str:
    """The model's verbose_name for "app_label.model" (obj._meta.label_lower); the code when there is none."""
    if object_type in OBJECT_LABELS:
        return str(OBJECT_LABELS[object_type])
    try:
        return str(apps.get_model(object_type)._meta.verbose_name) if object_type else ""
    except (LookupError, ValueError):
        return object_type


def change_items(values: dict | None) -> list[tuple[str, str]]:
    """A before/after snapshot (already masked by the service) as key: value pairs a person reads."""
    return [(str(key), _text(value)) for key, value in (values or {}).items()]


def _text(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list | tuple):
        return "、".join(_text(v) for v in value) or "—"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)
