"""Every portal route, for the permission matrix (gonghui.core.testing.matrix).

The portal has no cadre scope: its pages are public or show the signed-in worker's own rows only.
"""
from gonghui.console.tests.join_support import application_in
from gonghui.core.testing.matrix import Route


def _workers_application(world, org):
    """An application the matrix's worker made (for another person: they are a member themselves)."""
    return application_in(world.county, applicant=world.worker)


ROUTES = [
    Route(name="portal:home", method="GET", target="none", public=True),
    Route(name="portal:login", method="GET", target="none", public=True),
    Route(name="portal:login", method="POST", target="none", public=True,
          data=lambda world, obj: {"phone": "13900990099", "code": "000000"}),
    Route(name="portal:sms-code", method="POST", target="none", public=True,
          data=lambda world, obj: {"phone": "13900990099"}),
    Route(name="portal:me", method="GET", target="none"),
    Route(name="portal:card", method="GET", target="none"),
    Route(name="portal:logout", method="POST", target="none", public=True, data=lambda world, obj: {}),
    Route(name="portal:join", method="GET", target="none"),
    Route(name="portal:join", method="POST", target="none", data=lambda world, obj: {"name": "陈晨"}),
    Route(name="portal:join-code", method="POST", target="none", data=lambda world, obj: {"phone": "13900880999"}),
    Route(name="portal:join-employers", method="GET", target="none", query={"employer_name": "锦江区"}),
    Route(name="portal:join-divisions", method="GET", target="none", query={"work_city": "5101"}),
    Route(name="portal:join-status", method="GET", target="none"),
    Route(name="portal:join-withdraw", method="POST", target="none", setup=_workers_application,
          kwargs=lambda application: {"pk": application.pk}, data=lambda world, application: {}),
    # Transfers (转会): the worker asks for their own move; only the member half may cancel here.
    Route(name="portal:transfer", method="GET", target="none"),
    Route(name="portal:transfer", method="GET", target="none", query={"q": "医院"}),
    Route(name="portal:transfer", method="POST", target="none",
          data=lambda world, obj: {"to_org": world.sibling_grassroots.pk, "reason": "权限矩阵"}),
    Route(name="portal:transfer-cancel", method="POST", target="transfer", acting=("member",),
          kwargs=lambda transfer: {"pk": transfer.pk}, data=lambda world, transfer: {}),
]
