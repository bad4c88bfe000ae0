"""Field encryption (AES-256-GCM, bound to its column) and the keyed blind index."""
import pytest
from cryptography.exceptions import InvalidTag

from gonghui.core import crypto

ID = "510104199005171235"
PHONE = "13800010001"


def test_a_value_survives_encryption_and_decryption():
    blob = crypto.encrypt(ID, context=b"id_number")

    assert crypto.decrypt(blob, context=b"id_number") == ID
    assert crypto.decrypt(memoryview(blob), context=b"id_number") == ID


def test_the_ciphertext_holds_no_plaintext_and_differs_each_time():
    first, second = crypto.encrypt(ID, context=b"id_number"), crypto.encrypt(ID, context=b"id_number")

    assert first != second
    assert ID.encode() not in first
    assert first[:1] == crypto.KEY_VERSION


def test_an_id_ciphertext_cannot_be_decrypted_as_a_phone():
    blob = crypto.encrypt(ID, context=b"id_number")

    with pytest.raises(InvalidTag):
        crypto.decrypt(blob, context=b"phone")


def test_a_tampered_ciphertext_is_refused():
    blob = bytearray(crypto.encrypt(PHONE, context=b"phone"))
    blob[-1] ^= 0x01

    with pytest.raises(InvalidTag):
        crypto.decrypt(bytes(blob), context=b"phone")


def test_a_ciphertext_of_an_unknown_key_version_is_refused():
    blob = b"\x02" + crypto.encrypt(PHONE, context=b"phone")[1:]

    with pytest.raises(ValueError, match="unknown ciphertext version"):
        crypto.decrypt(blob, context=b"phone")


def test_the_blind_index_is_stable_keyed_and_separated_by_purpose():
    index = crypto.blind_index(ID, purpose="id_number")

    assert index == crypto.blind_index(ID, purpose="id_number")
    assert len(index) == 64
    assert index != crypto.blind_index(ID, purpose="phone")
    assert crypto.blind_index(PHONE, purpose="phone") != crypto.blind_index(PHONE, purpose="id_number")
    assert ID not in index


def test_the_blind_index_depends_on_the_index_key(settings):
    before = crypto.blind_index(ID, purpose="id_number")
    settings.GONGHUI_INDEX_KEY = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY="  # 32 other bytes

    assert crypto.blind_index(ID, purpose="id_number") != before


def test_a_data_key_of_the_wrong_length_is_refused(settings):
    settings.GONGHUI_DATA_KEY = "c2hvcnQ="

    with pytest.raises(ValueError, match="32 bytes"):
        crypto.encrypt(ID, context=b"id_number")
