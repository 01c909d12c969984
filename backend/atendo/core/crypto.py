"""Secrets at rest: a model field that stores text encrypted with Fernet (AES-128-CBC + HMAC).

The key comes from FIELD_ENCRYPTION_KEY (urlsafe base64, 32 bytes) or, when unset, is derived
from SECRET_KEY, so rotating SECRET_KEY without setting FIELD_ENCRYPTION_KEY makes stored
secrets unreadable: production deployments set FIELD_ENCRYPTION_KEY explicitly.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import models

PREFIX = "fernet:"


@cache
def _fernet(key_material: str) -> Fernet:
    if settings.FIELD_ENCRYPTION_KEY:
        return Fernet(settings.FIELD_ENCRYPTION_KEY.encode())
    digest = hashlib.sha256(f"atendo-field-encryption:{key_material}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(plaintext: str) -> str:
    return PREFIX + _fernet(settings.SECRET_KEY).encrypt(plaintext.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        raise ValueError("value is not encrypted")
    try:
        return _fernet(settings.SECRET_KEY).decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ValueError("cannot decrypt: wrong FIELD_ENCRYPTION_KEY/SECRET_KEY") from exc


class EncryptedTextField(models.TextField):
    """Encrypted in the database, plain text on the model instance. Never filter on it."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return decrypt(value) if value else value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return encrypt(value) if value else value
