"""Join applications for the console and portal tests and their permission-matrix routes, made through the real
services: a join SMS code sent by accounts.services, then joining.services.join_apply.

Usable outside pytest fixtures (the matrix's `setup` callables), so the SMS that leaves on commit is captured
with Django's TestCase.captureOnCommitCallbacks rather than pytest-django's fixture.
"""
import itertools
import re
from datetime import date

from django.test import TestCase

from gonghui.accounts.services import sms_code_send, worker_for_phone
from gonghui.core import idnumber
from gonghui.core.sms import LocmemBackend
from gonghui.joining.services import join_apply, privacy_notice_current
from gonghui.orgs.choices import OrgKind, OrgLevel

NAMES = ["陈晨", "周杰", "吴桐", "郑爽", "孙悦", "马骏", "朱琳", "胡峰", "郭靖", "何静", "高远", "林立"]
_serials = itertools.count(1)


def join_code(phone: str) -> str:
    """A real join code for `phone`, as the SMS said it."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        sms_code_send(phone=phone, purpose="join")
    message = [m for m in LocmemBackend.outbox if m.phone == phone][-1]
    return re.search(r"验证码是(\d{6})", message.text).group(1)


def routing_for(org) -> dict:
    """join_apply arguments that route an application to `org` itself (a province: to its first city)."""
    if org.kind == OrgKind.GRASSROOTS:
        return {"employer_org": org}
    if org.kind in (OrgKind.INDUSTRY, OrgKind.REGIONAL) and org.organised_forms:
        return {"employment_form": org.organised_forms[0], "work_division_code": org.division_code}
    if org.level == OrgLevel.PROVINCE:
        city = org.children.filter(level=OrgLevel.CITY).order_by("path").first()
        return {"employer_name": "某未建会企业", "work_division_code": city.division_code}
    return {"employer_name": "某未建会企业", "work_division_code": org.division_code}


def application_in(org, *, applicant=None, name: str | None = None, serial: int | None = None, **overrides):
    """A pending application routed to `org`, by a new worker unless `applicant` is given."""
    serial = (serial if serial is not None else next(_serials)) % 1000
    phone = overrides.pop("phone", f"13900880{serial:03d}")
    fields = {
        "applicant": applicant or worker_for_phone(phone=phone),
        "name": name or NAMES[serial % len(NAMES)],
        "id_number": idnumber.make("510104", date(1990, 1 + serial % 12, 1 + serial % 28), serial),
        "phone": phone, "consent_version": privacy_notice_current().version,
        **routing_for(org), **overrides,
    }
    fields.setdefault("sms_code", join_code(phone))
    return join_apply(**fields)
