"""Field encryption (AES-256-GCM) and the keyed blind index (HMAC-SHA256) for ID and phone numbers.

One AESGCM object per key, never one per row: creating it costs more than the encryption itself
(research/performance-anchors.md §5: 1.7 µs to encrypt, 1.65 µs to hash).
"""
import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

NONCE_BYTES = 12
# Version byte in front of every ciphertext, so that keys can be rotated without guessing.
KEY_VERSION = b"\x01"


@lru_cache(maxsize=4)
def _aead(key_b64: str) -> AESGCM:
    key = base64.b64decode(key_b64)
    if len(key) != 32:
        raise ValueError("GONGHUI_DATA_KEY must be 32 bytes (base64)")
    return AESGCM(key)


@lru_cache(maxsize=4)
def _index_key(key_b64: str) -> bytes:
    key = base64.b64decode(key_b64)
    if len(key) < 32:
        raise ValueError("GONGHUI_INDEX_KEY must be at least 32 bytes (base64)")
    return key


def encrypt(plaintext: str, *, context: bytes = b"") -> bytes:
    """Encrypt a short string; `context` (e.g. b"id_number") binds the ciphertext to its column."""
    nonce = os.urandom(NONCE_BYTES)
    return KEY_VERSION + nonce + _aead(settings.GONGHUI_DATA_KEY).encrypt(nonce, plaintext.encode(), context)


def decrypt(blob: bytes | memoryview, *, context: bytes = b"") -> str:
    blob = bytes(blob)
    if blob[:1] != KEY_VERSION:
        raise ValueError("unknown ciphertext version")
    nonce, body = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
    return _aead(settings.GONGHUI_DATA_KEY).decrypt(nonce, body, context).decode()


def blind_index(value: str, *, purpose: str) -> str:
    """Keyed hash for exact look-up; `purpose` keeps the ID index and the phone index unrelated."""
    message = purpose.encode() + b"\x00" + value.encode()
    return hmac.digest(_index_key(settings.GONGHUI_INDEX_KEY), message, hashlib.sha256).hex()
