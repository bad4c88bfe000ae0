import time

import pytest
from django_otp.oath import TOTP

from gonghui.accounts.choices import RoleKind
from gonghui.accounts.services import cadre_create, role_grant
from gonghui.core.testing.personas import PASSWORD


@pytest.fixture
def sysadmin(world):
    """A system administrator on the province: staff, and bound to TOTP before the console or admin opens."""
    user = cadre_create(username="sysadmin", password=PASSWORD, display_name="系统管理员", actor=None)
    role_grant(user=user, org=world.province, kind=RoleKind.SYSADMIN, actor=None)
    user.refresh_from_db()
    return user


def sign_in(client, username: str, password: str = PASSWORD, **extra):
    return client.post("/console/login/", {"username": username, "password": password}, **extra)


def totp_token(device, steps_ahead: int = 0) -> str:
    """The code the authenticator app would show now (or `steps_ahead` periods later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"
