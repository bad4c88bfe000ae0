"""The transfer cases of the permission matrix: which transfers each persona meets, made through the services.

Split from gonghui.core.testing.matrix, which re-exports every name here.
"""
from gonghui.core.testing.matrix_roles import (
    DUTY_PERSONAS, OTHER_PROVINCE_TRANSFER, ROLE_PERSONAS, ROLE_TRANSFER_TARGETS,
)

# Transfers each persona acts on, by relation: (member, receiving union, requester), made through
# joining.services.transfer_request in the case's savepoint. A cadre requester makes a "sending" transfer, the
# member's own login a "member" one. None: the relation does not exist for that persona.
TRANSFER_TARGETS = {
    "province_cadre": {"incoming": ("other_province_member", "grassroots", "other_province_cadre"),
                       "outgoing": ("worker_member", "other_grassroots", "grassroots_cadre"),
                       "sibling": None, "parent": None},
    "county_cadre": {"incoming": ("other_member", "grassroots", "other_county_cadre"),
                     "outgoing": ("worker_member", "sibling_grassroots", "grassroots_cadre"),
                     "sibling": ("other_province_member", "sibling_grassroots", "other_province_cadre"),
                     "parent": ("city_office_member", "sibling_grassroots", "city_cadre")},
    "grassroots_cadre": {"incoming": ("other_member", "grassroots", "other_county_cadre"),
                         "outgoing": ("worker_member", "sibling_grassroots", "grassroots_cadre"),
                         "sibling": ("other_province_member", "sibling_grassroots", "other_province_cadre"),
                         "parent": ("industry_member", "city_office", "county_cadre")},
    "worker": {"own": ("worker_member", "sibling_grassroots", "worker"),
               "sibling": ("other_member", "grassroots", "other_worker")},
}
# Another province's transfer (neither union in the persona's subtree), and the generated role personas'
# transfers (gonghui.core.testing.matrix_roles).
for _persona, _table in TRANSFER_TARGETS.items():
    _table["other_province"] = OTHER_PROVINCE_TRANSFER if _persona != "province_cadre" else None
TRANSFER_TARGETS.update({persona: dict(ROLE_TRANSFER_TARGETS) for persona in ROLE_PERSONAS})
# The transfers a transfer list runs over: one open transfer per member (the database allows no more) going
# every way through the tree, and a declined one for the history. (member, to, requester[, decliner, reason]).
LIST_TRANSFERS = [
    ("city_office_member", "other_grassroots", "city_cadre", "other_province_cadre", "查无此人"),
    ("worker_member", "sibling_grassroots", "worker"),
    ("other_member", "grassroots", "other_county_cadre"),
    ("other_province_member", "city_office", "other_province_cadre"),
    ("industry_member", "other_grassroots", "county_cadre"),
    ("city_office_member", "sibling_grassroots", "city_cadre"),
]


def make_transfer(world, member_key: str, to_key: str, requester_key: str, decliner_key: str = "",
                  decline_reason: str = ""):
    """A transfer of a world member, requested through the real service (declined too, when told)."""
    from gonghui.joining.services.transfers import transfer_decline, transfer_request

    transfer = transfer_request(member=world.members[member_key], to_org=world.orgs[to_key],
                                actor=world.users[requester_key], reason="权限矩阵")
    if decliner_key:
        transfer = transfer_decline(transfer=transfer, actor=world.users[decliner_key], reason=decline_reason)
    return transfer


def make_list_transfers(world) -> list:
    return [make_transfer(world, *spec) for spec in LIST_TRANSFERS]


def transfers_seen_by(world, persona: str, transfers) -> list:
    """The transfers a persona may see, by the rule and not by the code under test: for a cadre, one union of
    the two in their subtree; for a worker, their own."""
    from gonghui.core.testing.matrix import ANONYMOUS, HOME_ORG

    if persona == ANONYMOUS or persona in DUTY_PERSONAS:  # an administrator duty sees no member's transfer
        return []
    if persona == "worker":
        return [t for t in transfers if t.member_id == world.worker_member.pk]
    home = world.orgs[HOME_ORG[persona]].path
    return [t for t in transfers if t.from_org.path.startswith(home) or t.to_org.path.startswith(home)]
