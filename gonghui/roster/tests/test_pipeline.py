"""The import's second process (gonghui.roster.pipeline): same members, same refusals as one process, and
nothing left running when the import ends or fails."""
import multiprocessing
from datetime import date

import pytest

from gonghui.core import crypto
from gonghui.members.models import Member
from gonghui.orgs.choices import OrgKind, OrgLevel
from gonghui.orgs.services import org_create
from gonghui.roster.parsing import RosterFileError, open_roster
from gonghui.roster.pipeline import prepared_chunks
from gonghui.roster.services import roster_import
from gonghui.roster.tests.files import people_rows, person, write_csv
from gonghui.roster.validation import RowChecker
from gonghui.roster.writing import RowMaker

pytestmark = pytest.mark.django_db


def _union(code: str):
    return org_create(parent=None, name=f"{code}总工会", kind=OrgKind.FEDERATION, level=OrgLevel.CITY, code=code,
                      division_code="510100", actor=None)


def _file_with_mistakes(tmp_path, name: str, *, start: int = 0):
    rows = people_rows(60, start=start)
    rows[5][3] = rows[4][3]  # duplicate in the file
    rows[10][4] = "12345"  # phone
    rows[20][6] = "火星族"  # ethnicity not in the code list
    rows[30][3] = rows[30][3][:17] + ("0" if rows[30][3][17] != "0" else "1")  # check digit
    rows[40][5] = "2099-01-01"  # joined in the future
    return write_csv(tmp_path / name, rows, encoding="gbk", title="会员花名册")


def test_the_worker_process_gives_what_one_process_gives(tmp_path):
    one, two = _union("P1"), _union("P2")
    alone = roster_import(path=_file_with_mistakes(tmp_path, "a.csv"), org=one, actor=None, chunk_size=7,
                          parallel=False)
    paired = roster_import(path=_file_with_mistakes(tmp_path, "b.csv", start=1000), org=two, actor=None,
                           chunk_size=7, parallel=True)

    assert (paired.accepted, paired.unchanged) == (alone.accepted, alone.unchanged) == (55, 0)
    assert [r.as_dict() for r in paired.refused] == [r.as_dict() for r in alone.refused]
    assert [r.reason for r in paired.refused] == ["duplicate_in_file", "phone_format", "code_unknown",
                                                 "id_check_digit", "date_future"]
    member = Member.objects.get(org=two, id_number_hash=crypto.blind_index(person(1000), purpose="id_number"))
    assert (member.id_number, member.phone, member.name_initials) == (person(1000), "13900001000", "zg01000")
    assert Member.objects.filter(org=two).count() == 55
    # Again, as a dry run of each file in the other union: members elsewhere, through either path.
    crossed = [roster_import(path=tmp_path / f, org=org, actor=None, dry_run=True, chunk_size=7, parallel=p)
               for f, org, p in (("a.csv", two, True), ("b.csv", one, False))]
    assert [[r.reason for r in c.refused].count("member_elsewhere") for c in crossed] == [55, 55]
    assert multiprocessing.active_children() == []


def test_rows_are_sealed_as_crypto_seals_them():
    maker = RowMaker(org_id=1, vendor="sqlite")
    maker.stamp()
    values = {"name": "张伟", "birth_date": date(1990, 1, 1), "joined_on": date(2023, 5, 1)}
    row = maker.make(values, id_value=person(1), id_hash="h", phone="13900000001")
    from gonghui.roster.writing import _AT

    assert crypto.decrypt(row[_AT["id_number_enc"]], context=b"id_number") == person(1)
    assert crypto.decrypt(row[_AT["phone_enc"]], context=b"phone") == "13900000001"
    assert row[_AT["phone_hash"]] == crypto.blind_index("13900000001", purpose="phone")
    assert (row[_AT["birth_date"]], row[_AT["joined_on"]]) == ("1990-01-01", "2023-05-01")


def test_a_failure_in_the_worker_is_raised_in_the_import_and_the_worker_is_gone(tmp_path, monkeypatch):
    path = write_csv(tmp_path / "r.csv", people_rows(30))
    roster = open_roster(path)

    def broken(self):
        yield from []
        raise RosterFileError("encoding", "文件第3行无法解码")

    monkeypatch.setattr(type(roster), "data_rows", broken)
    checker = RowChecker(roster.columns, today=date.today())
    with pytest.raises(RosterFileError) as caught:
        list(prepared_chunks(roster, checker, RowMaker(org_id=1, vendor="sqlite"), start=0, chunk_size=5,
                             parallel=True))
    assert (caught.value.code, caught.value.message) == ("encoding", "文件第3行无法解码")
    assert multiprocessing.active_children() == []


def test_a_writer_that_stops_early_stops_the_worker(tmp_path):
    path = write_csv(tmp_path / "r.csv", people_rows(200))
    roster = open_roster(path)
    chunks = prepared_chunks(roster, RowChecker(roster.columns, today=date.today()),
                             RowMaker(org_id=1, vendor="sqlite"), start=0, chunk_size=5, parallel=True)
    first = next(chunks)
    assert (first.rows_done, first.size, len(first.rows)) == (5, 5, 5)
    chunks.close()  # what an exception in the writer does to the generator
    assert multiprocessing.active_children() == []


def test_a_person_registered_between_look_up_and_write_is_skipped_and_gets_no_event():
    from django.db import connection, transaction
    from django.utils import timezone

    from gonghui.members.models import MembershipEvent
    from gonghui.roster.writing import insert_members

    org = _union("P3")
    maker = RowMaker(org_id=org.pk, vendor=connection.vendor)
    maker.stamp()

    def row(n: int) -> list:
        pid = person(n)
        values = {"name": f"职工{n}", "name_initials": "zg", "birth_date": date(1990, 1, 1),
                  "joined_on": date(2023, 5, 1), "gender": "1" if int(pid[16]) % 2 else "2"}
        return maker.make(values, id_value=pid, id_hash=crypto.blind_index(pid, purpose="id_number"), phone="")

    with transaction.atomic():
        assert insert_members([row(1)], org_id=org.pk, actor_id=None, now=timezone.now()) == 1
    with transaction.atomic():  # row 1 again, as if someone had registered that person meanwhile
        assert insert_members([row(2), row(1), row(3)], org_id=org.pk, actor_id=None, now=timezone.now()) == 2
    assert Member.objects.filter(org=org).count() == 3
    assert MembershipEvent.objects.filter(org=org, kind="1").count() == 3
    assert sorted(MembershipEvent.objects.filter(org=org).values_list("member__name", flat=True)) == [
        "职工1", "职工2", "职工3"]
