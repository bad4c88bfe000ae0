"""Fixtures shared by the whole suite: the personas of gonghui.core.testing.personas."""
import pytest

from gonghui.core.sms import LocmemBackend
from gonghui.core.testing.tasks import use_memory_broker

# Lets transactional tests flush the append-only audit table (see the module's docstring).
# Fails any test whose responses carry a plaintext ID or mobile number (gonghui.core.testing.pii_scanner).
pytest_plugins = ["gonghui.core.testing.pytest_plugin", "gonghui.core.testing.pii_scanner"]


@pytest.fixture(autouse=True, scope="session")
def _task_queue():
    """Tasks go to an in-memory queue that tests run on purpose (gonghui.core.testing.tasks)."""
    use_memory_broker()


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path_factory):
    settings.GONGHUI_SMS_BACKEND = "gonghui.core.sms.LocmemBackend"
    # Uploads (roster files) go to the run's temporary folder, never into the checkout's var/.
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "uploads"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    LocmemBackend.outbox.clear()
    # Rate-limit counters (gonghui.core.ratelimit) live in the cache: each test starts with none.
    from django.core.cache import cache

    cache.clear()
    # The join's per-process reading of the privacy notice (accounts.selectors): a rolled-back test's notice
    # must not be the next test's.
    from gonghui.accounts.selectors import notice_cache_clear

    notice_cache_clear()


@pytest.fixture
def world(db):
    from gonghui.core.testing.personas import build_world

    return build_world()


@pytest.fixture
def sms_outbox():
    return LocmemBackend.outbox
