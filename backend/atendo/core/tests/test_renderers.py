"""The API's orjson renderer writes DRF's JSONRenderer's bytes."""

from __future__ import annotations

import datetime as dt
import decimal
import ipaddress
import uuid
import zoneinfo
from dataclasses import dataclass

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ErrorDetail
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from atendo.core.api.renderers import FastJSONRenderer

UTC = dt.UTC
LISBON = zoneinfo.ZoneInfo("Europe/Lisbon")

SAMPLES = [
    None,
    {},
    [],
    "plain",
    "acentuação, 日本語, emoji 🎉",
    "line\u2028separator and paragraph\u2029separator",
    'quotes " and \\ backslash and \n newline \t tab \x01 control',
    0,
    -17,
    2**63 - 1,
    2**70,  # beyond orjson: DRF's renderer
    1.5,
    0.1,
    True,
    False,
    uuid.UUID("12345678-1234-5678-1234-567812345678"),
    dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    dt.datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=zoneinfo.ZoneInfo("UTC")),
    dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(0))),
    dt.datetime(2026, 7, 2, 3, 4, 5, 10, tzinfo=LISBON),
    dt.datetime(2026, 7, 2, 3, 4, 5, tzinfo=zoneinfo.ZoneInfo("Asia/Kolkata")),
    dt.datetime(2026, 7, 2, 3, 4, 5),
    dt.date(2026, 2, 3),
    dt.time(4, 5, 6, 7),
    dt.timedelta(hours=1, seconds=3),
    decimal.Decimal("12.50"),
    ipaddress.ip_address("10.0.0.1"),
    gettext_lazy("Not found."),
    ErrorDetail("Unknown field.", code="unknown_field"),
    {"code": "validation_error", "message": gettext_lazy("Invalid input."), "fields": {"x": [ErrorDetail("y")]}},
    {1: "int key", "a": "str key"},  # not strings: DRF's renderer
    ReturnDict({"a": 1}, serializer=None),
    ReturnList([{"b": [1, 2, (3, 4)]}], serializer=None),
    {"nested": [{"id": uuid.UUID(int=1), "at": dt.datetime(2026, 1, 1, tzinfo=UTC), "tags": ["a", "b"]}]},
    b"bytes",
    {1, 2, 3},
    (x for x in range(3)),
]


@pytest.mark.parametrize("data", SAMPLES, ids=lambda d: type(d).__name__)
def test_same_bytes_as_drf(data):
    if isinstance(data, set):
        data = sorted(data)  # a set's order is its own; DRF writes it as a list
    if hasattr(data, "__next__"):
        data = list(data)
    assert FastJSONRenderer().render(data) == JSONRenderer().render(data)


def test_same_bytes_for_a_generator():
    # Consumed once: each renderer gets its own.
    assert FastJSONRenderer().render(x for x in range(3)) == JSONRenderer().render(x for x in range(3))


def test_indent_requests_and_errors_take_drf_path():
    data = {"a": [1, 2], "b": {"c": None}}
    media = "application/json; indent=4"
    assert FastJSONRenderer().render(data, media) == JSONRenderer().render(data, media)

    @dataclass
    class NotJson:
        x: int

    for renderer in (FastJSONRenderer(), JSONRenderer()):
        with pytest.raises(TypeError):
            renderer.render({"a": NotJson(1)})


def test_is_the_api_renderer():
    assert api_settings.DEFAULT_RENDERER_CLASSES[0] is FastJSONRenderer
