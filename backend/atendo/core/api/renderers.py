"""The API's JSON renderer: DRF's output, encoded by orjson.

Encoding a page of the inbox with the standard library's encoder cost about as much as reading it
from the database. orjson writes the same JSON for what the API returns (ids and datetimes are
strings already; UUIDs, datetimes and dates that reach it raw are written as DRF's encoder writes
them: ISO 8601, UTC as "Z"). Anything else (lazy translations in error bodies, Decimal, IP
addresses, querysets) goes through DRF's encoder's `default`; data orjson refuses outright (keys
that are not strings, integers beyond 64 bits) and pretty-printing requests (`; indent=`) are
rendered by DRF's own renderer. Differences: NaN and infinities, which DRF refuses (an error),
are written as null, and a float may be spelled otherwise (1e-05 as 0.00001: the same number).
`test_renderers.py` compares the two byte for byte.
"""

from __future__ import annotations

from typing import Any

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

# Datetimes in UTC end in "Z" (DRF's encoder); dataclasses are not JSON to DRF, so they take its
# path (and its error) rather than orjson's own rendering.
_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_PASSTHROUGH_DATACLASS
_default = JSONEncoder().default
# DRF escapes these two (JSON, but not JavaScript, allows them raw); so does this renderer.
_LINE_SEPARATOR = "\u2028".encode()
_PARAGRAPH_SEPARATOR = "\u2029".encode()
_SEPARATORS_PREFIX = _LINE_SEPARATOR[:2]


class FastJSONRenderer(JSONRenderer):
    """`rest_framework.renderers.JSONRenderer` (compact, UTF-8, same bytes), faster."""

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        if data is None:
            return b""
        if (
            not self.compact
            or self.ensure_ascii
            or self.get_indent(accepted_media_type or "", renderer_context or {}) is not None
        ):
            return super().render(data, accepted_media_type, renderer_context)
        try:
            content = orjson.dumps(data, default=_default, option=_OPTIONS)
        except (orjson.JSONEncodeError, TypeError, ValueError):
            return super().render(data, accepted_media_type, renderer_context)
        if _SEPARATORS_PREFIX in content:  # (one scan of the page, not two)
            content = content.replace(_LINE_SEPARATOR, b"\\u2028").replace(_PARAGRAPH_SEPARATOR, b"\\u2029")
        return content
