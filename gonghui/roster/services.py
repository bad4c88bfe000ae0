"""`roster_import`: the one door through which a roster file becomes members (CLI now, console later).

Pipeline: read → check each row (validation.RowChecker) → look the chunk's ID numbers up by blind index →
encrypt only the new rows → write the chunk (writing.insert_members) with its join events, the union's
counter and the job's checkpoint in one transaction. Nothing per row touches the ORM: no save(), signals or
audit rows; one audit event per job, when it finishes.

Resume: a job is (file SHA-256, union). Killed at any point, a chunk's transaction either committed with its
checkpoint or left nothing; the next run with the same file and union takes the unfinished job, replays the
rows before `rows_done` only to rebuild the in-file duplicate check, and goes on from there. The blind-index
unique constraint is the last guard: a person already on the register is never inserted twice.
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.scoping import actor_paths
from gonghui.members.choices import MemberStatus
from gonghui.members.models import Member
from gonghui.orgs.models import Org
from gonghui.orgs.permissions import can_manage_org
from gonghui.stats import upkeep as stats_upkeep
from gonghui.roster.models import ImportJob, ImportRefusal, JobStatus
from gonghui.roster.parsing import open_roster
from gonghui.roster.pipeline import Prepared, prepared_chunks, use_worker
from gonghui.roster.tuning import import_session
from gonghui.roster.validation import Refusal, RowChecker
from gonghui.roster.writing import RowMaker, insert_members

Progress = Callable[[int, int], None]
_HELD = frozenset({MemberStatus.ACTIVE, MemberStatus.RETAINED, MemberStatus.TRANSFERRED})


class ImportConflict(RuntimeError):
    """Another process is importing the same file into the same union right now."""


@dataclass
class ImportResult:
    file_sha256: str
    org_code: str
    dry_run: bool
    rows_total: int = 0
    accepted: int = 0
    unchanged: int = 0
    refused: list[Refusal] = field(default_factory=list)
    job_id: int | None = None
    resumed_from_row: int = 0  # data rows an earlier, interrupted run had already committed

    def as_dict(self) -> dict:
        return {"accepted": self.accepted, "refused": [r.as_dict() for r in self.refused],
                "unchanged": self.unchanged, "dry_run": self.dry_run, "file_sha256": self.file_sha256,
                "org": self.org_code, "rows_total": self.rows_total, "job": self.job_id,
                "resumed_from_row": self.resumed_from_row}


def roster_import(*, path, org: Org, actor, dry_run: bool = False, chunk_size: int = 5000,
                  job: ImportJob | None = None, progress: Progress | None = None,
                  parallel: bool | None = None) -> ImportResult:
    """Import the members in `path` into `org`. `actor` None is the system (the CLI without --as).

    A dry run checks every row (the database is read, never written) and reports what a real run would do.
    `parallel` None: check rows in a second process when the machine has a spare core and the file is big
    enough (pipeline.use_worker); True / False force it either way.
    Raises PermissionDenied, ValidationError (a closed union), parsing.RosterFileError (unreadable file or no
    header row) and ImportConflict.
    """
    if actor is not None and not can_manage_org(actor, org):
        raise PermissionDenied(_("无权向该工会导入会员"))
    org = Org.objects.get(pk=org.pk)
    if not org.is_active:
        raise ValidationError(_("工会“%(name)s”已撤销，不能导入会员") % {"name": org.name})
    roster = open_roster(path)
    checker = RowChecker(roster.columns, today=timezone.localdate())
    result = ImportResult(file_sha256=roster.sha256, org_code=org.code, dry_run=dry_run,
                          rows_total=roster.rows_total())
    if not dry_run:
        job = job or _job_for(roster, org=org, actor=actor, rows_total=result.rows_total)
        result.job_id = job.pk
        result.resumed_from_row = job.rows_done
    run = _Run(org=org, actor=actor, job=job, result=result, progress=progress)
    start = job.rows_done if job is not None else 0
    if parallel is None:
        parallel = use_worker(result.rows_total - start)
    maker = RowMaker(org_id=org.pk, vendor=connection.vendor, encrypt=not dry_run)
    with import_session(write=not dry_run):
        for prepared in prepared_chunks(roster, checker, maker, start=start, chunk_size=chunk_size,
                                        parallel=parallel):
            run.chunk(prepared)
    if not dry_run:
        run.finish(file_name=Path(path).name)
    return result


def _job_for(roster, *, org: Org, actor, rows_total: int) -> ImportJob:
    """The unfinished job of this file and union (an interrupted run), or a new one."""
    user = actor if getattr(actor, "pk", None) else None
    running = ImportJob.objects.filter(org=org, file_sha256=roster.sha256, status=JobStatus.RUNNING)
    job = running.order_by("id").first()
    if job is not None:
        return job
    try:
        with transaction.atomic():
            return ImportJob.objects.create(org=org, actor=user, file_name=roster.path.name[:255],
                                            file_sha256=roster.sha256, rows_total=rows_total)
    except IntegrityError:  # another process created it a moment ago
        return running.get()


class _Run:
    def __init__(self, *, org, actor, job, result: ImportResult, progress):
        self.org, self.actor, self.job, self.result, self.progress = org, actor, job, result, progress
        self.actor_id = getattr(actor, "pk", None)
        self.visible = None if actor is None else actor_paths(actor)

    def chunk(self, prepared: Prepared) -> None:
        if self.job is None:
            new, unchanged, more = self._sort(prepared)
            self._count(len(new), unchanged, prepared.refusals + more, prepared.rows_done)
            return
        with transaction.atomic():
            # The union first, then the job: the order member_join takes (org before member).
            Org.objects.select_for_update().filter(pk=self.org.pk).first()
            job = ImportJob.objects.select_for_update().get(pk=self.job.pk)
            if job.status != JobStatus.RUNNING or job.rows_done != prepared.rows_done - prepared.size:
                raise ImportConflict(_("另一个进程正在把这个文件导入到该工会，请等它结束后再试"))
            new, unchanged, more = self._sort(prepared)
            refusals = sorted(prepared.refusals + more, key=lambda r: r.row)
            inserted = insert_members(new, org_id=self.org.pk, actor_id=self.actor_id, now=timezone.now())
            # A person registered by someone else between our look-up and the insert (PostgreSQL only):
            # they are on the register, so they count as unchanged rather than disappear.
            unchanged += len(new) - inserted
            if inserted:
                Org.objects.filter(pk=self.org.pk).update(member_count=F("member_count") + inserted)
                stats_upkeep.members_inserted(org_id=self.org.pk, rows=new, inserted=inserted)  # stats upkeep
            ImportRefusal.objects.bulk_create(
                [ImportRefusal(job=job, row=r.row, reason=r.reason, message=r.message[:300]) for r in refusals])
            ImportJob.objects.filter(pk=job.pk).update(
                rows_done=prepared.rows_done, checkpoint_row=prepared.last_row, accepted=F("accepted") + inserted,
                unchanged=F("unchanged") + unchanged, refused=F("refused") + len(refusals),
                updated_at=timezone.now())
        self._count(inserted, unchanged, refusals, prepared.rows_done)

    def _count(self, accepted: int, unchanged: int, refusals: list[Refusal], rows_done: int) -> None:
        self.result.accepted += accepted
        self.result.unchanged += unchanged
        self.result.refused.extend(refusals)
        if self.progress is not None:
            self.progress(rows_done, self.result.rows_total)

    def _sort(self, prepared: Prepared) -> tuple[list[list], int, list[Refusal]]:
        """Split by what the register already holds: new people, members of this union, everyone else."""
        existing = _existing(prepared.hashes)
        if not existing:
            return prepared.rows, 0, []
        other_orgs = {org_id for org_id, _status in existing.values() if org_id != self.org.pk}
        names = {o.pk: o for o in Org.objects.filter(pk__in=other_orgs).only("pk", "name", "path")}
        new, unchanged, refusals = [], 0, []
        for id_hash, number, row in zip(prepared.hashes, prepared.numbers, prepared.rows):
            held = existing.get(id_hash)
            if held is None:
                new.append(row)
                continue
            org_id, status = held
            if status not in _HELD:
                refusals.append(Refusal(number, "member_former", _(
                    "此人的会籍状态为“%(s)s”，不能通过导入登记；如需重新入会，请在会员管理中办理") % {
                    "s": MemberStatus(status).label}))
            elif org_id == self.org.pk:
                unchanged += 1
            else:
                refusals.append(Refusal(number, "member_elsewhere", _(
                    "此人已是“%(org)s”的会员，未导入；如需调入本工会，请办理转会") % {
                    "org": self._org_name(names.get(org_id))}))
        return new, unchanged, refusals

    def _org_name(self, org) -> str:
        # A cadre learns which union holds the person only when that union is in the cadre's scope.
        if org is None:
            return _("其他工会")
        if self.visible is None or any(org.path.startswith(p) for p in self.visible):
            return org.name
        return _("其他工会")

    def finish(self, *, file_name: str) -> None:
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().get(pk=self.job.pk)
            if job.status == JobStatus.RUNNING:
                job.status, job.finished_at = JobStatus.DONE, timezone.now()
                job.save(update_fields=["status", "finished_at", "updated_at"])
                audit.record(actor=self.actor, action="roster.import", obj=job, org_path=self.org.path, after={
                    "file_name": file_name, "file_sha256": job.file_sha256, "org": self.org.code,
                    "rows_total": job.rows_total, "accepted": job.accepted, "unchanged": job.unchanged,
                    "refused": job.refused})
        # Counts and refusals of the whole file, earlier interrupted runs included.
        self.result.accepted, self.result.unchanged = job.accepted, job.unchanged
        self.result.refused = [Refusal(r.row, r.reason, r.message) for r in job.refusals.order_by("row")]


def _existing(hashes: list[str]) -> dict[str, tuple[int, str]]:
    """id_number_hash → (org id, status) of the people already on the register."""
    found: dict[str, tuple[int, str]] = {}
    if not hashes:
        return found
    table = connection.ops.quote_name(Member._meta.db_table)
    # The driver's cursor, not Django's: with DEBUG on, Django would keep every statement with its thousands
    # of parameters in connection.queries (hundreds of MB over a large file).
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        if connection.vendor == "postgresql":
            # One array parameter: building a 5,000-item IN list costs more than the query.
            cursor.execute(f"SELECT id_number_hash, org_id, status FROM {table} WHERE id_number_hash = ANY(%s)",
                           [hashes])
            found.update({h: (org_id, status) for h, org_id, status in cursor.fetchall()})
            return found
        step = 900  # under SQLite's bound-parameter limit on every build
        for start in range(0, len(hashes), step):
            part = hashes[start:start + step]
            cursor.execute(f"SELECT id_number_hash, org_id, status FROM {table} "
                           f"WHERE id_number_hash IN ({', '.join('?' * len(part))})", part)
            found.update({h: (org_id, status) for h, org_id, status in cursor.fetchall()})
    return found
