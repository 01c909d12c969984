"""Websocket test helpers."""

from __future__ import annotations

from typing import Any

from channels.testing import WebsocketCommunicator

from atendo.config.asgi import application


async def refusal_code(path: str, subprotocols: list[str] | None = None) -> Any:
    """The close code a refused socket gets. Refusals are accept-then-close (browsers only
    see the code of a socket that opened), so the socket must close right after opening and
    before any frame. None when it stays open."""
    communicator = WebsocketCommunicator(application, path, subprotocols=subprotocols)
    connected, detail = await communicator.connect(timeout=5)
    if not connected:
        return detail
    output = await communicator.receive_output(timeout=2)
    if output.get("type") == "websocket.close":
        return output.get("code")
    await communicator.disconnect()
    return None
