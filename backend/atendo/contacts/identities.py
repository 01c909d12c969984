"""Normalisation of identity values, so one person is one identity whatever the channel wrote."""

from __future__ import annotations

import re

import phonenumbers
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from atendo.contacts.models import IdentityKind
from atendo.core.errors import ApplicationError

DEFAULT_PHONE_REGION = "BR"


def _invalid(kind: str) -> ApplicationError:
    return ApplicationError(
        _("This phone number is not valid.")
        if kind in (IdentityKind.PHONE, IdentityKind.WHATSAPP)
        else _("This e-mail address is not valid.")
        if kind == IdentityKind.EMAIL
        else _("This identifier is not valid."),
        code="invalid_identity",
        fields={"value": [_("Not valid.")]},
    )


def normalize_phone(value: str, region: str = DEFAULT_PHONE_REGION) -> str:
    """E.164 (`+5511987654321`); a number without a country code is read in `region`."""
    raw = value.strip()
    if raw and raw[0].isdigit() and len(re.sub(r"\D", "", raw)) > 11:
        raw = "+" + raw  # providers (WhatsApp) send international numbers without the plus
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise _invalid(IdentityKind.PHONE) from exc
    if not phonenumbers.is_possible_number(number):
        raise _invalid(IdentityKind.PHONE)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_identity(kind: str, value: str, region: str = DEFAULT_PHONE_REGION) -> str:
    value = value.strip()
    if not value or len(value) > 320:
        raise _invalid(kind)
    if kind in (IdentityKind.PHONE, IdentityKind.WHATSAPP):
        return normalize_phone(value, region)
    if kind == IdentityKind.EMAIL:
        value = value.lower()
        try:
            validate_email(value)
        except Exception as exc:
            raise _invalid(kind) from exc
        return value
    if kind not in IdentityKind.values:
        raise _invalid(IdentityKind.EXTERNAL)
    return value
