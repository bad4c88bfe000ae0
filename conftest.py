"""Fixtures shared by the whole suite: the personas of gonghui.core.testing.personas."""
import pytest

from gonghui.core.sms import LocmemBackend

# Lets transactional tests flush the append-only audit table (see the module's docstring).
pytest_plugins = ["gonghui.core.testing.pytest_plugin"]


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.GONGHUI_SMS_BACKEND = "gonghui.core.sms.LocmemBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    LocmemBackend.outbox.clear()


@pytest.fixture
def world(db):
    from gonghui.core.testing.personas import build_world

    return build_world()


@pytest.fixture
def sms_outbox():
    return LocmemBackend.outbox
