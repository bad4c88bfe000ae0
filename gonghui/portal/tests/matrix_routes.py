"""Every portal route, for the permission matrix (gonghui.core.testing.matrix).

The portal has no cadre scope: its pages are public or show the signed-in worker's own rows only.
"""
from gonghui.core.testing.matrix import Route

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
]
