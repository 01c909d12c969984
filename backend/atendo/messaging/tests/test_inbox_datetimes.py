"""The inbox rows' datetimes render as DRF's DateTimeField, whatever zone they come in."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone
from rest_framework import serializers

from atendo.messaging.frames import datetime_text

INSTANTS = [
    dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
    dt.datetime(2026, 7, 2, 3, 4, 5, 123456, tzinfo=dt.UTC),
    dt.datetime(2026, 7, 2, 3, 4, 5, tzinfo=zoneinfo.ZoneInfo("UTC")),
    dt.datetime(2026, 7, 2, 3, 4, 5, tzinfo=zoneinfo.ZoneInfo("America/Sao_Paulo")),
    dt.datetime(2026, 7, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))),
]


@pytest.mark.parametrize("zone", ["UTC", "Europe/Lisbon", "America/Sao_Paulo"])
@pytest.mark.parametrize("value", INSTANTS, ids=str)
def test_as_drf_datetime_field(zone, value):
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        expected = serializers.DateTimeField().to_representation(value)
        assert datetime_text(value) == expected
        assert datetime_text(value, timezone.get_current_timezone()) == expected
