"""The privacy register (issue 6 part 7): every model field has a class, and docs/privacy.md is the register."""
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models

from gonghui.core import privacy
from gonghui.core.privacy import DataClass

DOC = Path(__file__).resolve().parents[3] / "docs" / "privacy.md"


def test_every_concrete_field_of_every_model_has_a_class():
    assert privacy.unclassified() == [], (
        "classify these fields in gonghui/core/privacy.py (sensitive, general or not personal, with purpose, "
        "legal basis, retention and who may see them), then run `gonghui privacy doc`")
    assert privacy.stale() == [], "these register entries name fields that no longer exist"


@pytest.fixture
def probe_model():
    """A model added at run time, as a new migration would add one; taken out of the app registry afterwards."""

    class PrivacyProbe(models.Model):
        nickname = models.CharField(max_length=20)

        class Meta:
            app_label = "core"

    yield PrivacyProbe
    del apps.all_models["core"]["privacyprobe"]
    apps.clear_cache()


def test_a_new_field_without_a_class_is_reported(probe_model):
    assert privacy.unclassified() == ["core.PrivacyProbe.id", "core.PrivacyProbe.nickname"]


def test_sensitive_values_are_stored_only_as_ciphertext_or_keyed_hash():
    """A sensitive column holds AES-GCM ciphertext (a BinaryField) or an HMAC blind index, never the value."""
    fields = privacy.model_fields()
    in_clear = []
    for (label, name), entry in privacy.REGISTER.items():
        if entry.data_class is not DataClass.SENSITIVE or (label, name) == ("roster.ImportJob", "stored_file"):
            continue  # stored_file is the path of the private upload, not the value (see its note)
        field = fields[(label, name)]
        if not (isinstance(field, models.BinaryField) or name.endswith("_hash")):
            in_clear.append(f"{label}.{name}")
    assert in_clear == []


def test_every_personal_field_says_why_on_which_basis_for_how_long_and_who_sees_it():
    for entry in privacy.REGISTER.values():
        if entry.data_class is DataClass.NOT_PERSONAL:
            assert entry.use is None
            continue
        use = entry.use
        assert use and use.purpose and use.retention and use.seen_by, entry
        assert "art. 13(1)" in use.basis, entry  # PIPL art. 13 paragraph 1 names the lawful bases


def test_docs_privacy_md_is_the_register():
    text = DOC.read_text(encoding="utf-8")
    assert privacy.with_register(text) == text, "docs/privacy.md is stale: run `gonghui privacy doc`"
    for (label, name), entry in privacy.REGISTER.items():
        if entry.use is not None:
            assert f"`{label}.{name}`" in text
