"""Every console route, for the permission matrix (gonghui.core.testing.matrix): who may call it on what.

Sign-in pages are public; everything else needs a cadre (a signed-in worker gets 403) and answers 404 outside
the cadre's subtree. The join queue's rows are applications routed to the target org (join_support).
"""
from gonghui.console.tests.join_support import application_in
from gonghui.core.testing.matrix import Route


def _by_pk(obj) -> dict:
    return {"pk": obj.pk}


def _application(world, org):
    return application_in(org)


def _queue(world, home):
    """Applications routed every way through the tree: a queue must list only those in the caller's subtree."""
    for key in ("county", "sibling_county", "grassroots", "industry", "sibling_grassroots", "other_county"):
        application_in(world.orgs[key])
    return application_in(home)


def _today() -> str:
    from django.utils import timezone

    return timezone.localdate().isoformat()


def _member_edit(world, member) -> dict:
    return {"name": member.name, "ethnicity": member.ethnicity, "employment_status": member.employment_status,
            "education": "20", "work_unit": "权限矩阵"}


def _transfer_to(world, member) -> dict:
    to_org = world.grassroots if member.org_id == world.sibling_grassroots.pk else world.sibling_grassroots
    return {"to_org": to_org.pk, "reason": "权限矩阵"}


ROUTES = [
    Route(name="console:login", method="GET", target="none", public=True),
    Route(name="console:login", method="POST", target="none", public=True,
          data=lambda world, obj: {"username": "nobody", "password": "not-a-password"}),
    Route(name="console:logout", method="POST", target="none", public=True, data=lambda world, obj: {}),
    Route(name="console:totp-setup", method="GET", target="none"),
    Route(name="console:totp-setup", method="POST", target="none", data=lambda world, obj: {"token": "000000"}),
    Route(name="console:totp-verify", method="GET", target="none"),
    Route(name="console:totp-verify", method="POST", target="none", data=lambda world, obj: {"token": "000000"}),
    # 修改密码 (console.views.auth.password_change): any account with a password; a wrong old password changes nothing.
    Route(name="console:password-change", method="GET", target="none"),
    Route(name="console:password-change", method="POST", target="none",
          data=lambda world, obj: {"old_password": "not-the-password", "new_password1": "Xin-mima-2026!",
                                   "new_password2": "Xin-mima-2026!"}),
    Route(name="console:home", method="GET", target="none"),
    Route(name="console:org-tree", method="GET", target="none"),
    Route(name="console:org-detail", method="GET", target="org", kwargs=_by_pk),
    Route(name="console:org-children", method="GET", target="org", kwargs=_by_pk),
    Route(name="console:member-list", method="GET", target="list", list_key="member"),
    Route(name="console:member-list", method="GET", target="list", list_key="member", query={"q": "zw"}),
    Route(name="console:member-detail", method="GET", target="member", kwargs=_by_pk),
    # A member's page: 办理会籍变化, 编辑会员信息, 换发会员卡 (console.views.member_changes).
    Route(name="console:member-membership-end", method="POST", target="member", kwargs=_by_pk,
          data=lambda world, member: {"kind": "3", "reason_code": "2", "on": _today()}),
    Route(name="console:member-edit", method="POST", target="member", kwargs=_by_pk, data=_member_edit),
    Route(name="console:member-card-reissue", method="POST", target="member", kwargs=_by_pk,
          data=lambda world, member: {}),
    Route(name="console:join-queue", method="GET", target="list", list_key="org", setup=_queue),
    Route(name="console:join-queue", method="GET", target="list", list_key="org", setup=_queue,
          query={"status": "all"}),
    Route(name="console:join-detail", method="GET", target="org", setup=_application, kwargs=_by_pk),
    Route(name="console:join-approve", method="POST", target="org", setup=_application, kwargs=_by_pk,
          data=lambda world, application: {}),
    Route(name="console:join-reject", method="POST", target="org", setup=_application, kwargs=_by_pk,
          data=lambda world, application: {"reason": "经核实不在本单位工作"}),
    Route(name="console:join-approve-bulk", method="POST", target="none", setup=_application,
          data=lambda world, application: {"ids": [application.pk]}),
    # Transfers (转会): on a transfer, each half acts only as `acting` says (gonghui.core.testing.matrix).
    Route(name="console:transfer-list", method="GET", target="list", list_key="transfer"),
    Route(name="console:transfer-list", method="GET", target="list", list_key="transfer", query={"tab": "outgoing"}),
    Route(name="console:transfer-list", method="GET", target="list", list_key="transfer", query={"tab": "history"}),
    Route(name="console:transfer-detail", method="GET", target="transfer", kwargs=_by_pk),
    Route(name="console:transfer-accept", method="POST", target="transfer", acting=("receiving",), kwargs=_by_pk),
    Route(name="console:transfer-decline", method="POST", target="transfer", acting=("receiving",), kwargs=_by_pk,
          data=lambda world, transfer: {"reason": "权限矩阵"}),
    Route(name="console:transfer-cancel", method="POST", target="transfer", acting=("sending",), kwargs=_by_pk),
    Route(name="console:member-transfer", method="GET", target="member", kwargs=_by_pk),
    Route(name="console:member-transfer", method="GET", target="member", kwargs=_by_pk, query={"q": "工会"}),
    Route(name="console:member-transfer", method="POST", target="member", kwargs=_by_pk, data=_transfer_to),
]

# Roster import (花名册导入): a job belongs to the union it imports into. The job is made and run through the real
# services by a cadre who manages that union, so its pages, progress bar and refused-rows workbook all exist.


def _roster_file():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.roster.tests.files import HEADER, people_rows

    rows = people_rows(2, start=900)
    rows[1][1] = ""  # one refused row, so the workbook of refused rows has something in it
    lines = [",".join(HEADER)] + [",".join(str(c) for c in row) for row in rows]
    return SimpleUploadedFile("花名册.csv", "\n".join(lines).encode("utf-8"), content_type="text/csv")


def _roster_job(world, org):
    from gonghui.orgs.permissions import can_manage_org
    from gonghui.roster.jobs import import_job_create, import_job_run

    manager = next(u for u in world.users.values() if can_manage_org(u, org))
    job = import_job_create(org=org, upload=_roster_file(), dry_run=False, actor=manager)
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    return job


def _failed_roster_job(world, org):
    from gonghui.roster.models import ImportJob, JobStatus

    job = _roster_job(world, org)
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error="矩阵")
    return job


ROUTES += [
    Route(name="console:roster-jobs", method="GET", target="org", kwargs=_by_pk, setup=lambda world, org: (
        _roster_job(world, org).org)),
    Route(name="console:roster-upload", method="GET", target="org", kwargs=_by_pk),
    Route(name="console:roster-upload", method="POST", target="org", kwargs=_by_pk,
          data=lambda world, org: {"org": org.pk, "file": _roster_file(), "dry_run": "1"}),
    Route(name="console:roster-job", method="GET", target="org", kwargs=_by_pk, setup=_roster_job),
    Route(name="console:roster-job-progress", method="GET", target="org", kwargs=_by_pk, setup=_roster_job),
    Route(name="console:roster-job-refused", method="GET", target="org", kwargs=_by_pk, setup=_roster_job,
          unmasks=True),
    Route(name="console:roster-job-resume", method="POST", target="org", kwargs=_by_pk, setup=_failed_roster_job),
]

# 查看完整号码 (console.views.unmask): an audited reveal, so its own-scope answer carries the numbers.
# The administrators' pages (三员, console.views.duties): no business persona reaches them; the duties
# themselves are checked in console/tests/test_duties.py.
_ACCOUNT = {"pk": 1}
ROUTES += [
    Route(name="console:member-unmask", method="POST", target="member", kwargs=_by_pk,
          data=lambda world, member: {"reason": "权限矩阵"}, unmasks=True),
    Route(name="console:audit-log", method="GET", target="none", admin_only=True),
    Route(name="console:accounts", method="GET", target="none", admin_only=True),
    Route(name="console:account-create", method="GET", target="none", admin_only=True),
    Route(name="console:account-create", method="POST", target="none", admin_only=True,
          data=lambda world, org: {"username": "matrix_new", "display_name": "矩阵", "password1": "Xin-mima-2026!",
                                   "password2": "Xin-mima-2026!", "org_code": org.code, "kind": "chair"}),
    Route(name="console:account-detail", method="GET", target="none", admin_only=True,
          kwargs=lambda org: _ACCOUNT),
    Route(name="console:account-role-grant", method="POST", target="none", admin_only=True,
          kwargs=lambda org: _ACCOUNT, data=lambda world, org: {"org_code": org.code, "kind": "chair"}),
    Route(name="console:account-role-revoke", method="POST", target="none", admin_only=True,
          kwargs=lambda org: {"pk": 1, "role_pk": 1}),
    Route(name="console:account-disable", method="POST", target="none", admin_only=True,
          kwargs=lambda org: _ACCOUNT),
]

from gonghui.console.tests.matrix_routes_stats import ROUTES as STATS_ROUTES  # noqa: E402

ROUTES += STATS_ROUTES
