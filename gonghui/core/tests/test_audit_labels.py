"""Every action the code records has a Chinese label in the audit log (gonghui.core.audit_labels).

The actions are read from the source, not listed by hand: every string passed as `action=` to a call (audit.record,
or a helper that forwards it, like members.services._join) outside tests and migrations. A new action without a
label fails here.
"""
import ast
from pathlib import Path

from django.utils.translation import override

import gonghui
from gonghui.core.audit_labels import ACTION_LABELS, action_label, change_items, object_type_label

ROOT = Path(gonghui.__file__).parent


def _recorded_actions() -> dict[str, str]:
    found = {}
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            if isinstance(node.func, ast.Attribute) and node.func.attr == "add_argument":
                continue  # argparse's action="store_true"
            for keyword in node.keywords:
                if keyword.arg == "action":
                    for const in ast.walk(keyword.value):  # also `"member.rejoin" if before else action`
                        if isinstance(const, ast.Constant) and isinstance(const.value, str):
                            found[const.value] = str(path.relative_to(ROOT.parent))
    return found


def test_every_recorded_action_has_a_chinese_label():
    actions = _recorded_actions()

    assert len(actions) >= 35  # the scan found the services' actions (not an empty walk that passes)
    assert {"otp.confirm", "member.unmask", "member.rejoin", "member.join"} <= actions.keys()
    missing = {action: where for action, where in actions.items() if action not in ACTION_LABELS}
    assert not missing, f"审计动作缺少中文名称（gonghui/core/audit_labels.py）: {missing}"


def test_labels_fall_back_to_the_code_and_snapshots_read_as_key_value():
    with override("zh-hans"):
        assert action_label("otp.confirm") == "绑定身份验证器（两步验证）"
        assert action_label("legacy.unknown") == "legacy.unknown"
        assert object_type_label("members.member") == "会员"
        assert object_type_label("otp_totp.totpdevice") == "身份验证器（TOTP）"
        assert object_type_label("gone.model") == "gone.model" and object_type_label("") == ""
    assert change_items({"user": "auditadmin", "fields": ["id_number", "phone"], "note": "", "ok": True}) == [
        ("user", "auditadmin"), ("fields", "id_number、phone"), ("note", "—"), ("ok", "是")]
    assert change_items(None) == []
