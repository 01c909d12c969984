"""The realtime broadcaster: event listeners call `send_to_groups` (never services)."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from atendo.core.events import Event


def send_to_groups(event: Event, *group_names: str) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": "event.forward", "payload": event.payload()}
    for group in group_names:
        async_to_sync(layer.group_send)(group, message)
