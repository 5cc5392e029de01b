"""Personal data at rest: resident IDs, phones and addresses encrypted with AES-GCM, and the
keyed indexes (HMAC-SHA256) that find them without decrypting.

Two secrets, read by `config.data_keys()`:
- the data keys, current first: a value is stored as `<key id>:<base64(nonce + ciphertext)>`,
  so after a new key is added every row stays readable with the key it names until
  `flask keys rotate` has re-encrypted it;
- the index key, which is never rotated with the data keys: a rotation re-encrypts values
  but leaves every lookup index as it is (re-computing them would mean a second pass over
  every person, and an interrupted rotation would leave lookups half on one key).

The key ring lives on the app (`app.extensions["data_keys"]`), so the column types find it
in whichever app context they run.
"""

import base64
import hashlib
import hmac
import json
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, current_app
from sqlalchemy import String, Text
from sqlalchemy.types import TypeDecorator

# Digits of an ID's end kept in the suffix index: a clerk types the last 4 to 6; the last 4
# narrow 300,000 people to about 30, which are decrypted and compared in full.
TAIL_LENGTH = 4
NONCE_BYTES = 12


def key_id(key: bytes) -> str:
    """A short name of a data key, stored with each value; it tells nothing of the key."""
    return hashlib.sha256(b"noticeboard key id" + key).hexdigest()[:8]


def decode_key(text: str) -> bytes:
    key = base64.urlsafe_b64decode(text.strip().encode() + b"==")
    if len(key) != 32:
        raise ValueError("a data key is 32 bytes, base64 encoded")
    return key


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")


class KeyRing:
    """The data keys (the first encrypts; every one decrypts) and the index key."""

    def __init__(self, data_keys: list[bytes], index_key: bytes):
        if not data_keys:
            raise ValueError("no data key")
        self.ciphers = {key_id(k): AESGCM(k) for k in data_keys}
        self.current_id = key_id(data_keys[0])
        self._current = self.ciphers[self.current_id]
        # Derived, so the stored index key never serves as an HMAC key itself.
        self._index_key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"noticeboard blind index"
        ).derive(index_key)

    def encrypt(self, plain: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._current.encrypt(nonce, plain.encode(), None)
        return f"{self.current_id}:{base64.b64encode(nonce + sealed).decode()}"

    def decrypt(self, stored: str) -> str:
        kid, _, body = stored.partition(":")
        cipher = self.ciphers.get(kid)
        if cipher is None:
            raise LookupError(f"no data key {kid!r}: keep every old key until `flask keys rotate`")
        raw = base64.b64decode(body)
        return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], None).decode()

    def digest(self, purpose: str, value: str) -> str:
        mac = hmac.new(self._index_key, f"{purpose}:{value}".encode(), hashlib.sha256)
        return mac.hexdigest()[:32]  # 128 bits: no collision among a county's people


def init_keys(app: Flask) -> None:
    data, index = app.config["DATA_KEYS"]
    app.extensions["data_keys"] = KeyRing([decode_key(k) for k in data], decode_key(index))


def keyring() -> KeyRing:
    return current_app.extensions["data_keys"]


def id_index(id_number: str | None) -> str | None:
    """The keyed index of a whole resident ID (already normalised, as validation leaves it):
    the one-person-one-case check and the search by a full ID look it up."""
    return keyring().digest("id", id_number) if id_number else None


def tail_index(id_number_or_tail: str | None) -> str | None:
    """The keyed index of an ID's last TAIL_LENGTH characters (a whole ID or just its end)."""
    if not id_number_or_tail or len(id_number_or_tail) < TAIL_LENGTH:
        return None
    return keyring().digest("tail", id_number_or_tail[-TAIL_LENGTH:])


class Encrypted(TypeDecorator):
    """A text column stored encrypted; Python code reads and writes the plain text."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else keyring().encrypt(self.dump(value))

    def process_result_value(self, value, dialect):
        return None if value is None else self.load(keyring().decrypt(value))

    @staticmethod
    def dump(value) -> str:
        return value

    @staticmethod
    def load(text: str):
        return text


class EncryptedJSON(Encrypted):
    """A JSON document stored encrypted (before/after values that hold IDs and phones)."""

    cache_ok = True

    @staticmethod
    def dump(value) -> str:
        return json.dumps(value, ensure_ascii=False, default=str)

    @staticmethod
    def load(text: str):
        return json.loads(text)


# The keyed indexes are hex digests.
Digest = String(32)
