"""Rasa's socket.io channel for the web chat; with REDIS_URL, what it emits reaches every Rasa server.

A web customer's socket is held by one Rasa server, but an agent's words from the inbox
(Rasa's HTTP API) may arrive at another one behind the load balancer. python-socketio's
Redis manager passes each emit to the server that holds the socket. One Rasa process
needs none of that, so without REDIS_URL this is Rasa's channel unchanged.
"""

from __future__ import annotations

from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from socketio import AsyncRedisManager

from bot import shared_state


class SocketIOInput(RasaSocketIOInput):
    def blueprint(self, on_new_message):
        blueprint = super().blueprint(on_new_message)
        url = shared_state.redis_url()
        if url:
            # Swapped before the server has seen a client: it initializes its manager on the first connection.
            manager = AsyncRedisManager(url, channel="bot-socketio")
            manager.set_server(self.sio)
            self.sio.manager = manager
        return blueprint
