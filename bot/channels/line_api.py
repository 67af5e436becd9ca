"""The LINE Messaging API client: reply and push with a short retry on transient failures, the loading
indicator, and single calls such as the rich menu's."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any, Dict, List, Optional

import aiohttp
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt, wait_exponential

from bot.channels.line_messages import LineMessage, batches
from bot.metrics import LINE_API_ERRORS
from bot.settings.line import DEFAULT_API_BASE, DEFAULT_DATA_API_BASE

logger = logging.getLogger(__name__)

REPLY_PATH = "/v2/bot/message/reply"
PUSH_PATH = "/v2/bot/message/push"
LOADING_PATH = "/v2/bot/chat/loading/start"


class LineApiError(Exception):
    """LINE refused a call. The text is LINE's own error message: it never contains the token."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"HTTP {status}: {message}")
        self.status = status


class InvalidReplyToken(LineApiError):
    """The reply token has expired or is used up: only a push can still reach the user."""


class ReplyOutcomeUnknown(LineApiError):
    """A retried reply found its token used up, maybe by the attempt that seemed to fail."""


def _transient(error: BaseException) -> bool:
    if isinstance(error, LineApiError):
        return error.status >= 500
    return isinstance(error, (aiohttp.ClientConnectionError, asyncio.TimeoutError))


def _log_retry(state: RetryCallState) -> None:
    # tenacity sets the outcome before it calls before_sleep; its type is Optional for the hooks
    # that run before an attempt.
    error = state.outcome.exception()  # type: ignore[union-attr]
    logger.warning("LINE API call failed (%s), attempt %d, trying again", error, state.attempt_number)


async def error_from(response: aiohttp.ClientResponse) -> LineApiError:
    try:
        body = await response.json(content_type=None)
        message = str(body.get("message", ""))
        details = "; ".join(f"{d.get('property', '')}: {d.get('message', '')}" for d in body.get("details") or [])
    except (ValueError, AttributeError, aiohttp.ClientError):
        message, details = (await response.text())[:200], ""
    text = f"{message} ({details})" if details else message
    if response.status == 400 and message.lower().startswith("invalid reply token"):
        return InvalidReplyToken(response.status, text)
    return LineApiError(response.status, text)


class LineApi:
    """One LINE channel's access to the Messaging API. Create it anywhere; the HTTP session opens on first use."""

    def __init__(
        self,
        access_token: str,
        base_url: str = DEFAULT_API_BASE,
        *,
        data_base_url: str = DEFAULT_DATA_API_BASE,
        timeout: float = 10.0,
        attempts: int = 3,
        first_wait: float = 0.2,
    ) -> None:
        self._access_token = access_token
        self._base_url = base_url.rstrip("/")
        self._data_base_url = data_base_url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._attempts = attempts
        self._first_wait = first_wait
        self._session: Optional[aiohttp.ClientSession] = None

    async def send(self, messages: List[LineMessage], *, reply_token: Optional[str], to: str) -> None:
        """All messages for one event: five in the reply, the rest pushed five at a time.

        When the reply token no longer works, everything goes by push. Failures are logged,
        never raised: one lost answer must not take the channel down.
        """
        pending = batches(messages)
        try:
            if reply_token and pending:
                try:
                    await self.reply(reply_token, pending[0])
                    pending = pending[1:]
                except InvalidReplyToken:
                    logger.info("LINE: reply token no longer valid, pushing %d messages instead", len(messages))
            while pending:
                await self.push(to, pending[0])
                pending = pending[1:]
        except (LineApiError, aiohttp.ClientError, asyncio.TimeoutError) as error:
            undelivered = sum(len(batch) for batch in pending)
            logger.error("LINE: %d of %d messages not delivered: %s", undelivered, len(messages), error)

    async def reply(self, reply_token: str, messages: List[LineMessage]) -> None:
        async for attempt in self._retrying():
            with attempt:
                try:
                    await self._post(REPLY_PATH, {"replyToken": reply_token, "messages": messages})
                except InvalidReplyToken as error:
                    if attempt.retry_state.attempt_number > 1:
                        # Pushing now could give the customer the same answer twice.
                        raise ReplyOutcomeUnknown(error.status, "reply token used up after a failed attempt") from error
                    raise

    async def push(self, to: str, messages: List[LineMessage], retry_key: Optional[str] = None) -> None:
        """`retry_key` (a UUID) given by a caller that may push the same again later, e.g. after a crash."""
        # One key for all attempts: LINE then delivers a retried push only once.
        retry_key = retry_key or str(uuid.uuid4())
        async for attempt in self._retrying():
            with attempt:
                try:
                    await self._post(PUSH_PATH, {"to": to, "messages": messages}, {"X-Line-Retry-Key": retry_key})
                except LineApiError as error:
                    if error.status != 409:
                        raise
                    logger.info("LINE: a failed-looking push attempt had been accepted")

    async def show_loading(self, chat_id: str, seconds: int) -> None:
        """LINE's typing animation in a one-to-one chat, until the next message or `seconds` pass.

        It only tells the customer the answer is coming: one attempt, and a failure is logged, never raised.
        """
        try:
            await self._post(LOADING_PATH, {"chatId": chat_id, "loadingSeconds": seconds})
        except (LineApiError, aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.warning("LINE: loading indicator not shown: %s", error)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _retrying(self) -> AsyncRetrying:
        return AsyncRetrying(
            stop=stop_after_attempt(self._attempts),
            wait=wait_exponential(multiplier=self._first_wait, max=2),
            retry=retry_if_exception(_transient),
            before_sleep=_log_retry,
            reraise=True,
        )

    async def call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: Optional[bytes] = None,
        headers: Optional[Dict[str, str]] = None,
        blob: bool = False,
    ) -> Any:
        """One Messaging API call, not retried: LINE's JSON answer (None when empty); LineApiError when refused.
        `blob` sends it to the data host, where images go."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        headers = {"Authorization": f"Bearer {self._access_token}", **(headers or {})}
        url = (self._data_base_url if blob else self._base_url) + path
        try:
            async with self._session.request(method, url, json=json, data=data, headers=headers) as response:
                # The loading indicator answers 202 Accepted, the others 200.
                if not 200 <= response.status < 300:
                    LINE_API_ERRORS.labels(str(response.status)).inc()
                    raise await error_from(response)
                return await response.json(content_type=None)
        except (aiohttp.ClientConnectionError, asyncio.TimeoutError):
            LINE_API_ERRORS.labels("unreachable").inc()
            raise

    async def _post(self, path: str, body: Dict[str, Any], headers: Optional[Dict[str, str]] = None) -> None:
        await self.call("POST", path, json=body, headers=headers)
