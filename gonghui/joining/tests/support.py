"""Test support for join applications: a join SMS code read from the SMS itself, and an application made
through join_apply and routed into a given org's subtree. Used by the joining tests and the permission matrix.
"""
import re
from datetime import date
from itertools import count

from django.db import connection

from gonghui.accounts.services import sms_code_send, worker_for_phone
from gonghui.core import idnumber
from gonghui.core.sms import LocmemBackend
from gonghui.orgs.choices import OrgKind

_serial = count(1)


def join_code(phone: str) -> str:
    """Send a join code through accounts.services and return it, read from the SMS the worker would get.

    The SMS leaves after commit; inside a test's transaction the callbacks are taken and run here, as
    TestCase.captureOnCommitCallbacks does, so that an outer capture does not send them twice. (Outside a
    transaction the SMS has left already.) The code's SMS is taken out of the outbox again.
    """
    start = len(connection.run_on_commit)
    sms_code_send(phone=phone, purpose="join")
    callbacks = connection.run_on_commit[start:]
    del connection.run_on_commit[start:]
    for _savepoints, callback, _robust in callbacks:
        callback()
    message = LocmemBackend.outbox.pop()
    return re.search(r"验证码是(\d{6})", message.text).group(1)


def fresh_person(division: str = "510104") -> tuple[str, str]:
    """A phone number and a valid ID number nobody in the world has yet."""
    n = next(_serial)
    return f"1391{n:07d}", idnumber.make(division, date(1980 + n % 20, 1 + n % 12, 1 + n % 28), n % 1000)


def routing_into(world, org) -> dict:
    """join_apply arguments that route an application to `org` or, for a province, into its subtree."""
    if org.kind == OrgKind.GRASSROOTS:
        return {"employer_org": org}
    if org.kind == OrgKind.FEDERATION and org.level in ("county", "city"):
        return {"work_division_code": org.division_code}
    if org.kind in (OrgKind.INDUSTRY, OrgKind.REGIONAL) and org.organised_forms:
        return {"employment_form": org.organised_forms[0], "work_division_code": org.division_code}
    # A province federation decides nothing itself: the first grassroots union below it stands in.
    below = org.__class__.objects.filter(path__startswith=org.path, kind=OrgKind.GRASSROOTS).order_by("path").first()
    return {"employer_org": below}


def make_application(world, org, **overrides):
    """A pending application of a new worker, routed into `org`'s subtree through the real service."""
    from gonghui.joining.services import join_apply, privacy_notice_current

    phone, id_number = fresh_person()
    fields = {"applicant": worker_for_phone(phone=phone), "name": "申请人", "id_number": id_number, "phone": phone,
              "consent_version": privacy_notice_current().version, **routing_into(world, org)}
    fields.update(overrides)
    fields.setdefault("sms_code", join_code(fields["phone"]))
    return join_apply(**fields)


def apply_payload(world, org) -> dict:
    """The JSON body of POST /api/v1/join/applications for a new worker, with a live join code."""
    phone, id_number = fresh_person()
    routing = routing_into(world, org)
    payload = {"name": "申请人", "id_number": id_number, "phone": phone, "sms_code": join_code(phone),
               "consent_version": "1"}
    if routing.get("employer_org") is not None:
        payload["employer_org"] = routing["employer_org"].pk
    else:
        payload.update({k: v for k, v in routing.items() if k != "employer_org"})
    return payload
