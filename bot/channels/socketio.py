"""Rasa's socket.io channel for the web chat, with the page's origins enforced; given a client
manager (the runtime's, with REDIS_URL), what it emits reaches every Rasa server.

Rasa's channel switches engine.io's origin check off (`cors_allowed_origins=[]`) and leaves
origins to Sanic's CORS headers, which browsers apply to HTTP only: any web site could open
a chat websocket in a visitor's browser (seen here). Here a browser connects only from the
origins given to `rasa run --cors` (the chat page's); without them, from the same origin.
The check is socket.io's own: a connect handler that says no. (engine.io's check would add
CORS headers of its own beside Sanic's, and a browser refuses two.)

A web customer's socket is held by one Rasa server, but an agent's words from the inbox
(Rasa's HTTP API) may arrive at another one behind the load balancer. python-socketio's
Redis manager passes each emit to the server that holds the socket; the runtime makes it
(bot.runtime.shared_state) and hands it to the channel. One Rasa process needs none of that.
"""

from __future__ import annotations

import argparse
import inspect
import logging
from typing import Any, Dict, List, Optional, Union

from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from socketio.asyncio_manager import AsyncManager

logger = logging.getLogger(__name__)

# None allows the same origin only, "*" any, a list those.
_allowed_origins: Union[None, str, List[str]] = None


def allow_origins_of(rasa_arguments: List[str]) -> None:
    """Take the chat page's origins from `rasa run`'s --cors arguments (read once, at start-up)."""
    global _allowed_origins
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--cors", nargs="*")
    cors: Optional[List[str]] = parser.parse_known_args(rasa_arguments)[0].cors
    _allowed_origins = "*" if cors and "*" in cors else (cors or None)


def origin_allowed(environ: Dict[str, Any]) -> bool:
    """Whether a socket may connect: from an allowed origin, or not from a browser at all (no Origin)."""
    origin = environ.get("HTTP_ORIGIN")
    if not origin or _allowed_origins == "*":
        return True
    if _allowed_origins is None:
        return origin.split("://", 1)[-1] == environ.get("HTTP_HOST")
    return origin in _allowed_origins


# Rasa's from_credentials passes each of these keys to its constructor's parameter of the same name.
_CREDENTIAL_KEYS = frozenset(inspect.signature(RasaSocketIOInput.__init__).parameters) - {"self"}


class SocketIOInput(RasaSocketIOInput):
    def __init__(self, *args: Any, client_manager: Optional[AsyncManager] = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.client_manager = client_manager

    @classmethod
    def from_credentials(
        cls, credentials: Optional[Dict[str, Any]], client_manager: Optional[AsyncManager] = None
    ) -> "SocketIOInput":
        given = {key: value for key, value in (credentials or {}).items() if key in _CREDENTIAL_KEYS}
        return cls(**given, client_manager=client_manager)

    def blueprint(self, on_new_message):
        blueprint = super().blueprint(on_new_message)
        namespace = self.namespace or "/"
        rasa_connect = self.sio.handlers[namespace]["connect"]

        @self.sio.on("connect", namespace=namespace)
        async def connect(sid: str, environ: Dict[str, Any], auth: Optional[Dict] = None) -> bool:
            if not origin_allowed(environ):
                logger.warning("Refused a web chat socket from origin %s", environ.get("HTTP_ORIGIN"))
                return False
            return await rasa_connect(sid, environ, auth)

        if self.client_manager is not None:
            # Swapped before the server has seen a client: it initializes its manager on the first connection.
            self.client_manager.set_server(self.sio)
            self.sio.manager = self.client_manager
        return blueprint
