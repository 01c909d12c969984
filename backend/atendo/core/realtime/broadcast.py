"""The realtime broadcaster: event listeners call `send_to_groups` (never services)."""

from __future__ import annotations

import json
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder

from atendo.core.events import Event


def send_to_groups(event: Event, *group_names: str) -> None:
    send_payload(event.payload(), *group_names)


def send_payload(payload: dict[str, Any], *group_names: str) -> None:
    """Forward a JSON-ready frame to every socket in the groups (consumers drop frames whose
    tenant_id is not theirs)."""
    layer = get_channel_layer()
    if layer is None:
        return
    # Frames cross Redis as msgpack: make them plain JSON data (UUIDs, datetimes as strings).
    message = {"type": "event.forward", "payload": json.loads(json.dumps(payload, cls=DjangoJSONEncoder))}
    for group in dict.fromkeys(group_names):
        async_to_sync(layer.group_send)(group, message)
