"""Keeping the tallies exact: the calls the domain services make, inside their own transactions.

Each call takes what the service already holds (locked rows, the state before and after) and writes the
signed deltas for the affected path(s). Stats imports only models, never a domain service.

A member's contribution to the stock figures is a function of (union, status, attributes): ACTIVE counts in
`members`, the category figures and the age table; RETAINED counts in `members_retained`; any other status
counts nowhere. Every member change is then "minus the state before, plus the state after", each along its
own path; a node common to both paths nets out, which is what makes transfers within a subtree invisible to it.
"""
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from gonghui.members.choices import MembershipChange, MemberStatus
from gonghui.members.models import Member
from gonghui.orgs.models import Org
from gonghui.stats.categories import CATEGORY_FIELDS, member_categories, org_vector
from gonghui.stats.tally import Deltas, path_ids

LEFT_KINDS = frozenset({MembershipChange.WITHDRAW, MembershipChange.STRIKE_OFF})


@dataclass(frozen=True)
class MemberState:
    path: str
    status: str
    categories: tuple[str, ...]
    birth_year: int
    new_forms: bool


def member_state(member, org=None) -> MemberState:
    """What counts of `member` now; `org` is the member's union as locked by the service (its current path)."""
    org = org or member.org
    return MemberState(path=org.path, status=member.status, categories=tuple(member_categories(member)),
                       birth_year=member.birth_date.year, new_forms=bool(member.employment_form))


def _stock(deltas: Deltas, state: MemberState | None, day: date, sign: int) -> None:
    if state is None:
        return
    ids = path_ids(state.path)
    if state.status == MemberStatus.ACTIVE:
        deltas.add(ids, day, {"members": 1, **dict.fromkeys(state.categories, 1)}, sign)
        deltas.add_age(ids, day, state.birth_year, sign)
    elif state.status == MemberStatus.RETAINED:
        deltas.add(ids, day, {"members_retained": 1}, sign)


def member_changed(*, before: MemberState | None, after: MemberState | None, on: date | None = None,
                   flows: dict | None = None, flow_path: str | None = None) -> None:
    """Minus `before`, plus `after`, dated `on` (default today), and flows counted along `flow_path`."""
    day = on or timezone.localdate()
    deltas = Deltas()
    _stock(deltas, before, day, -1)
    _stock(deltas, after, day, +1)
    if flows:
        deltas.add(path_ids(flow_path), day, flows)
    deltas.write()


def member_joined(*, member, org, on: date) -> None:
    state = member_state(member, org)
    flows = {"joined": 1, "joined_new_forms": 1} if state.new_forms else {"joined": 1}
    member_changed(before=None, after=state, on=on, flows=flows, flow_path=org.path)


def member_transferred(*, before: MemberState, after: MemberState, on: date) -> None:
    """Stocks move from the old path to the new; the flows count only where the two paths part."""
    deltas = Deltas()
    _stock(deltas, before, on, -1)
    _stock(deltas, after, on, +1)
    old, new = path_ids(before.path), path_ids(after.path)
    deltas.add([i for i in old if i not in set(new)], on, {"transferred_out": 1})
    deltas.add([i for i in new if i not in set(old)], on, {"transferred_in": 1})
    deltas.write()


def membership_ended(*, before: MemberState, after: MemberState, kind: str, on: date) -> None:
    flows = {"left": 1} if kind in LEFT_KINDS else {"retained": 1} if kind == MembershipChange.RETAIN else None
    member_changed(before=before, after=after, on=on, flows=flows, flow_path=after.path)


def member_edited(*, before: MemberState, after: MemberState, changed: set[str]) -> None:
    """A corrected record counts with its new attributes from today on (history keeps the old ones)."""
    if changed & CATEGORY_FIELDS and before != after:
        member_changed(before=before, after=after)


# --- set-wise: many members at once -----------------------------------------------------------------------


def members_inserted(*, org_id: int, rows: list, inserted: int | None = None) -> None:
    """Bulk-loaded members of one union (a roster chunk), counted on their join days.

    `rows` are the chunk's new people as the importer holds them (lists in Member column order, or dicts of
    attnames). When the insert took every row (`inserted == len(rows)`), they are counted here in Python from
    those values: no query. Otherwise some were skipped by ON CONFLICT (registered meanwhile by someone else,
    hence in another union, since every writer into this union holds its row lock), and the rows this chunk
    inserted are read back: `org_id = this union AND id_number_hash IN (the chunk's hashes)`.
    """
    ids = path_ids(Org.objects.filter(pk=org_id).values_list("path", flat=True).get())
    deltas = Deltas()
    if inserted is not None and inserted == len(rows):
        for row in rows:
            values = _values_of(row)
            day = _day(values["joined_on"])
            if values["status"] == MemberStatus.ACTIVE:
                deltas.add(ids, day, {"members": 1, **dict.fromkeys(member_categories(values), 1)})
                deltas.add_age(ids, day, _day(values["birth_date"]).year, 1)
            elif values["status"] == MemberStatus.RETAINED:
                deltas.add(ids, day, {"members_retained": 1})
            flows = {"joined": 1, "joined_new_forms": 1} if values["employment_form"] else {"joined": 1}
            deltas.add(ids, day, flows)
        deltas.write()
        return
    from gonghui.stats.rebuild import join_flows, member_vectors  # the SQL the rebuild uses

    hashes = [_values_of(row)["id_number_hash"] for row in rows]
    step = 900  # under SQLite's bound-parameter limit
    for start in range(0, len(hashes), step):
        part = hashes[start:start + step]
        where, params = f"m.org_id = %s AND m.id_number_hash IN ({', '.join(['%s'] * len(part))})", [org_id, *part]
        for _org, day, vector, ages in member_vectors(where, params):
            deltas.add(ids, day, vector)
            for year, n in ages.items():
                deltas.add_age(ids, day, year, n)
        for day, flows in join_flows(where, params):
            deltas.add(ids, day, flows)
    deltas.write()


_ATTNAMES = [f.attname for f in Member._meta.concrete_fields if not f.primary_key]
_READ = ("status", "joined_on", "birth_date", "id_number_hash", *CATEGORY_FIELDS)
_AT = {name: _ATTNAMES.index(name) for name in _READ}
_DEFAULTS = {f.attname: f.get_default() for f in Member._meta.concrete_fields if f.attname in _READ}


def _values_of(row) -> dict:
    if isinstance(row, dict):
        return {name: row.get(name, _DEFAULTS[name]) for name in _READ}
    if isinstance(row, (list, tuple)):
        return {name: row[i] for name, i in _AT.items()}
    return {"id_number_hash": row.id_hash}


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def members_reattaching(*, source, target, on: date | None = None) -> None:
    """Every member of `source` is about to move to `target` (a merge): call before the UPDATE, with both
    rows locked; their current contribution leaves source's path and reaches target's."""
    from gonghui.stats.rebuild import member_vectors

    day = on or timezone.localdate()
    deltas = Deltas()
    old, new = path_ids(source.path), path_ids(target.path)
    for _org, _day, vector, ages in member_vectors("m.org_id = %s", [source.pk], by_day=False):
        deltas.add(old, day, vector, -1)
        deltas.add(new, day, vector, +1)
        for year, n in ages.items():
            deltas.add_age(old, day, year, -n)
            deltas.add_age(new, day, year, n)
    deltas.write()


# --- the tree -------------------------------------------------------------------------------------------------


def org_founded(*, org, on: date) -> None:
    """`on`: the founding date the org's FOUND event carries (founded_on, or the day it was entered)."""
    deltas = Deltas()
    deltas.add(path_ids(org.path), on, org_vector(org))
    if org.kind == "grassroots":
        deltas.add(path_ids(org.path), on, {"grassroots_founded": 1})
    deltas.write()


def org_changed(*, before: dict, org, on: date | None = None) -> None:
    """An org's own figures changed (closed, merged, kind, employees…): minus `before`, plus its vector now.
    `before` is org_vector() of the row before the change, taken under the same lock."""
    day = on or timezone.localdate()
    deltas = Deltas()
    ids = path_ids(org.path)
    deltas.add(ids, day, before, -1)
    deltas.add(ids, day, org_vector(org), +1)
    deltas.write()


def org_refounded(*, org, before: dict, old_on: date, new_on: date) -> None:
    """The founding date was corrected: the org's founding moves from one day to the other."""
    if old_on == new_on:
        return
    vector = dict(before)
    if org.kind == "grassroots":
        vector["grassroots_founded"] = 1
    deltas = Deltas()
    ids = path_ids(org.path)
    deltas.add(ids, old_on, vector, -1)
    deltas.add(ids, new_on, vector, +1)
    deltas.write()


def org_moved(*, old_path: str, new_path: str) -> None:
    """A subtree moved: its stock figures (read from its root's tally, under the service's subtree lock) leave
    the ancestors only the old path had and reach those only the new path has, today. Flows stay where
    they happened; ancestors the paths share see nothing."""
    from gonghui.stats.reading import current_vectors

    root_id = path_ids(new_path)[-1]
    old, new = path_ids(old_path)[:-1], path_ids(new_path)[:-1]
    gone, come = [i for i in old if i not in new], [i for i in new if i not in old]
    if not gone and not come:
        return
    vector, ages = current_vectors(root_id)
    day = timezone.localdate()
    deltas = Deltas()
    deltas.add(gone, day, vector, -1)
    deltas.add(come, day, vector, +1)
    for year, n in ages.items():
        deltas.add_age(gone, day, year, -n)
        deltas.add_age(come, day, year, n)
    deltas.write()


