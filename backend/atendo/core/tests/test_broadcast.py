"""The broadcaster asks the channel layer's storage which groups have members before sending:
a group nobody listens to costs no group_send, and those with members get their frames."""

from __future__ import annotations

import asyncio
import uuid
from unittest import mock

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from atendo.core.realtime import broadcast


def _receive(layer, channel: str) -> dict:
    return async_to_sync(asyncio.wait_for)(layer.receive(channel), 5)


def test_frames_reach_groups_with_members_and_skip_the_others():
    layer = get_channel_layer()
    prefix = f"test.{uuid.uuid4().hex}"
    live, other_live, empty = f"{prefix}.live", f"{prefix}.live2", f"{prefix}.empty"
    channel = async_to_sync(layer.new_channel)()
    second = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(live, channel)
    async_to_sync(layer.group_add)(other_live, second)
    try:
        with mock.patch.object(layer, "group_send", wraps=layer.group_send) as group_send:
            broadcast._send_grouped(
                {
                    live: [{"n": 1}],
                    empty: [{"n": 2}, {"n": 3}],
                    other_live: [{"n": 4}, {"n": 5}],
                }
            )
        assert sorted(call.args[0] for call in group_send.call_args_list) == sorted([live, other_live])
        assert _receive(layer, channel) == {"type": "event.forward", "payload": {"n": 1}}
        assert _receive(layer, second) == {
            "type": "event.forward_many",
            "payloads": [{"n": 4}, {"n": 5}],
        }
    finally:
        async_to_sync(layer.group_discard)(live, channel)
        async_to_sync(layer.group_discard)(other_live, second)


def test_expired_memberships_do_not_count():
    """As group_send, memberships older than the layer's group expiry are dropped first."""
    layer = get_channel_layer()
    group = f"test.{uuid.uuid4().hex}.stale"
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group, channel)
    with (
        mock.patch.object(layer, "group_expiry", -10),  # every membership is stale
        mock.patch.object(layer, "group_send", wraps=layer.group_send) as group_send,
    ):
        broadcast._send_grouped({group: [{"n": 1}], f"{group}.other": [{"n": 2}]})
    assert group_send.call_args_list == []
