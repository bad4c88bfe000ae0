"""Every API operation, for the permission matrix (gonghui.core.testing.matrix): who may call it on what.

The description of the API (openapi.json) and its docs page are public and hold no data. ninja's own
"api:api-root" (GET /api/v1/) is not listed: it answers 404 to everyone and exists only so that ninja can
reverse the API's prefix.
"""
from itertools import count

from gonghui.core.testing.matrix import Route
from gonghui.members.card import card_token

_codes = count(1)


def _child_org(world, parent) -> dict:
    # A fresh code per call: the matrix may let several allowed personas create under the same parent.
    n = next(_codes)
    return {"parent": parent.pk, "name": f"矩阵测试工会{n}", "kind": "grassroots", "level": "grassroots",
            "code": f"MATRIX{parent.pk}-{n}"}


def _transfer_to(world, member) -> dict:
    # Any union but the member's own: the requester needs no sight of the receiving side.
    to_org = world.grassroots if member.org_id == world.sibling_grassroots.pk else world.sibling_grassroots
    return {"member": member.pk, "to_org": to_org.pk, "reason": "权限矩阵"}


def _by_transfer(transfer) -> dict:
    return {"transfer_id": transfer.pk}


ROUTES = [
    Route(name="api:openapi-json", method="GET", target="none", public=True),
    Route(name="api:openapi-view", method="GET", target="none", public=True),
    Route(name="api:org_list", method="GET", target="list", list_key="org"),
    Route(name="api:org_get", method="GET", target="org", kwargs=lambda obj: {"org_id": obj.pk}),
    Route(name="api:org_children", method="GET", target="org", kwargs=lambda obj: {"org_id": obj.pk}),
    Route(name="api:org_create", method="POST", target="org", data=_child_org),
    Route(name="api:org_update", method="PATCH", target="org", kwargs=lambda obj: {"org_id": obj.pk},
          data=lambda world, obj: {"chair_name": "矩阵测试"}),
    Route(name="api:member_list", method="GET", target="list", list_key="member"),
    Route(name="api:member_list", method="GET", target="list", list_key="member", query={"q": "zw"}),
    Route(name="api:member_get", method="GET", target="member", kwargs=lambda obj: {"member_id": obj.pk}),
    # An audited reveal (members.unmask): a managing cadre or the member themself, with a reason.
    Route(name="api:member_unmask", method="POST", target="member", kwargs=lambda obj: {"member_id": obj.pk},
          data=lambda world, obj: {"reason": "权限矩阵"}, unmasks=True),
    Route(name="api:me", method="GET", target="none"),
    # A rest station or merchant checks a card without signing in; the answer shows only the card face.
    Route(name="api:card_verify", method="POST", target="none", public=True,
          data=lambda world, obj: {"token": card_token(member=world.worker_member)}),
    Route(name="api:card_public_key", method="GET", target="none", public=True),
    # Transfers (转会): a request is made on a member in scope; on a transfer, each half acts only as `acting` says.
    Route(name="api:transfer_request", method="POST", target="member", data=_transfer_to),
    Route(name="api:transfer_list", method="GET", target="list", list_key="transfer"),
    Route(name="api:transfer_list", method="GET", target="list", list_key="transfer", query={"direction": "incoming"}),
    Route(name="api:transfer_list", method="GET", target="list", list_key="transfer", query={"direction": "outgoing"}),
    Route(name="api:transfer_get", method="GET", target="transfer", kwargs=_by_transfer),
    Route(name="api:transfer_accept", method="POST", target="transfer", acting=("receiving",), kwargs=_by_transfer),
    Route(name="api:transfer_decline", method="POST", target="transfer", acting=("receiving",), kwargs=_by_transfer,
          data=lambda world, transfer: {"reason": "权限矩阵"}),
    Route(name="api:transfer_cancel", method="POST", target="transfer", acting=("sending", "member"),
          kwargs=_by_transfer),
    # Public facts about unions (name, kind, federations above) for any signed-in caller, anywhere in the country.
    Route(name="api:union_search", method="GET", target="none", query={"q": "工会"}),
]

# One-tap join (一键入会). An application is made in the case's savepoint by joining.tests.support, routed into the
# case's target org (a province's goes to a grassroots union below it); kwargs and data then receive it.
from gonghui.joining.tests.support import apply_payload, make_application  # noqa: E402


def _application(application) -> dict:
    return {"application_id": application.pk}


def _workers_application(world, org):
    from gonghui.console.tests.join_support import application_in

    return application_in(world.county, applicant=world.worker)


ROUTES += [
    Route(name="api:ping", method="GET", target="none", public=True),
    Route(name="api:join_notice", method="GET", target="none", public=True),
    Route(name="api:join_employers", method="GET", target="none", public=True, query={"q": "工会"}),
    Route(name="api:join_sms_code", method="POST", target="none", data=lambda world, obj: {"phone": "13900009999"}),
    Route(name="api:join_apply", method="POST", target="none", setup=apply_payload,
          data=lambda world, payload: payload),
    Route(name="api:join_my_applications", method="GET", target="none"),
    Route(name="api:join_application_get", method="GET", target="org", setup=make_application, kwargs=_application),
    Route(name="api:join_queue", method="GET", target="list", list_key="org", setup=make_application),
    Route(name="api:join_approve", method="POST", target="org", setup=make_application, kwargs=_application),
    Route(name="api:join_reject", method="POST", target="org", setup=make_application, kwargs=_application,
          data=lambda world, application: {"reason": "权限矩阵"}),
    Route(name="api:join_approve_bulk", method="POST", target="none", setup=make_application,
          data=lambda world, application: {"ids": [application.pk]}),
    # Only the applicant may withdraw: the matrix's worker, for an application it made itself.
    Route(name="api:join_withdraw", method="POST", target="none", setup=_workers_application, applicant_only=True,
          kwargs=_application, data=lambda world, application: {}),
]

from gonghui.api.tests.matrix_routes_stats import ROUTES as STATS_ROUTES  # noqa: E402

ROUTES += STATS_ROUTES
