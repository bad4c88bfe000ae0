"""Every console route, for the permission matrix (gonghui.core.testing.matrix): who may call it on what.

Reads only: the console does not change domain rows yet. Sign-in pages are public; everything else needs a
cadre (a signed-in worker gets 403) and answers 404 outside the cadre's subtree.
"""
from gonghui.core.testing.matrix import Route


def _by_pk(obj) -> dict:
    return {"pk": obj.pk}


ROUTES = [
    Route(name="console:login", method="GET", target="none", public=True),
    Route(name="console:login", method="POST", target="none", public=True,
          data=lambda world, obj: {"username": "nobody", "password": "not-a-password"}),
    Route(name="console:logout", method="POST", target="none", public=True, data=lambda world, obj: {}),
    Route(name="console:totp-setup", method="GET", target="none"),
    Route(name="console:totp-setup", method="POST", target="none", data=lambda world, obj: {"token": "000000"}),
    Route(name="console:totp-verify", method="GET", target="none"),
    Route(name="console:totp-verify", method="POST", target="none", data=lambda world, obj: {"token": "000000"}),
    Route(name="console:home", method="GET", target="none"),
    Route(name="console:org-tree", method="GET", target="none"),
    Route(name="console:org-detail", method="GET", target="org", kwargs=_by_pk),
    Route(name="console:org-children", method="GET", target="org", kwargs=_by_pk),
    Route(name="console:member-list", method="GET", target="list", list_key="member"),
    Route(name="console:member-list", method="GET", target="list", list_key="member", query={"q": "zw"}),
    Route(name="console:member-detail", method="GET", target="member", kwargs=_by_pk),
]
