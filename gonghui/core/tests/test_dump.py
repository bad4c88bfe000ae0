"""A dump of the whole database holds no plaintext ID or phone number (ARCHITECTURE.md rule 5, PIPL Art. 51).

The world is committed first (a transactional test), then the database is dumped the way an operator or an
intruder would: pg_dump on PostgreSQL, the SQL dump and the raw page image on SQLite.
"""
import os
import re
import subprocess
from datetime import date

import pytest
from django.db import connection

from gonghui.accounts.services import api_token_create, sms_code_send, sms_code_verify
from gonghui.core import idnumber
from gonghui.core.testing.personas import build_world
from gonghui.members.models import Member
from gonghui.members.selectors import member_search
from gonghui.members.services import member_register

pytestmark = pytest.mark.django_db(transaction=True)


def _id_ending_in_x(division: str, born: date) -> str:
    for sequence in range(1000):
        number = idnumber.make(division, born, sequence)
        if number.endswith("X"):
            return number
    raise AssertionError("no sequence gives X")  # pragma: no cover


def _build_and_use_the_world(django_capture_on_commit_callbacks):
    world = build_world()
    x_id = _id_ending_in_x("510104", date(1988, 12, 1))
    world.members["x_member"] = member_register(org=world.industry, name="孙丽", id_number=x_id,
                                                phone="13700070007", joined_on=date(2022, 2, 2), actor=None)
    # the flows that touch numbers besides registration: a sign-in code, a search by ID, an API token
    from gonghui.core.sms import LocmemBackend

    with django_capture_on_commit_callbacks(execute=True):
        sms_code_send(phone=world.worker_member.phone)
    code = re.search(r"\d{6}", LocmemBackend.outbox[-1].text).group(0)
    sms_code_verify(phone=world.worker_member.phone, code=code)
    assert list(member_search(actor=world.county_cadre, query=x_id.lower())) == [world.x_member]
    api_token_create(user=world.county_cadre, name="导出测试", actor=None)
    return world


def _forbidden(world) -> dict[str, str]:
    """Every plaintext number of the world in the forms it could take in a dump, with what it is."""
    found = {}
    for key, member in world.members.items():
        numbers = [("ID", member.id_number)] + ([("phone", member.phone)] if member.phone else [])
        for kind, value in numbers:
            digits = re.sub(r"\D", "", value)
            for form in {value, value.lower(), digits, value.encode().hex(), value.encode().hex().upper()}:
                found[form] = f"{kind} of {key} as {form!r}"
    for key, user in world.users.items():
        if user.phone:
            found[user.phone] = f"phone of user {key}"
    return found


def _dump() -> list[tuple[str, bytes]]:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        raw = connection.connection
        sql = "\n".join(raw.iterdump()).encode()
        return [("SQL dump", sql), ("database image", raw.serialize())]
    settings = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
    args = ["pg_dump", "--no-owner", "--dbname", settings["NAME"]]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            args += [option, str(settings[key])]
    result = subprocess.run(args, env=env, capture_output=True, check=True, timeout=120)
    return [("pg_dump", result.stdout)]


def test_a_dump_of_the_database_holds_no_plaintext_id_or_phone_number(django_capture_on_commit_callbacks):
    # given a world of members registered, signing in and searched for
    world = _build_and_use_the_world(django_capture_on_commit_callbacks)
    forbidden = _forbidden(world)

    # when the whole database is dumped
    dumps = _dump()

    # then no number appears in any form, while the names show the dump really holds the rows
    for label, data in dumps:
        assert "张伟".encode() in data and "孙丽".encode() in data, f"{label} holds no member rows"
        leaks = [what for form, what in forbidden.items() if form.encode() in data]
        assert leaks == [], f"{label} holds plaintext personal numbers: {leaks}"


def test_birth_date_gender_and_division_are_kept_in_clear_for_statistics(django_capture_on_commit_callbacks):
    world = _build_and_use_the_world(django_capture_on_commit_callbacks)
    table = Member._meta.db_table

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT birth_date, gender, division_code FROM {table} WHERE id = %s",
                       [world.worker_member.pk])
        birth_date, gender, division = cursor.fetchone()

    assert (str(birth_date), gender, division) == ("1990-05-17", "1", "510104")
    for label, data in _dump():
        assert b"1990-05-17" in data and b"1985-01-02" in data, label
        assert b"360830" in data, label  # the Ji'an member's division
