"""A stand-in for the Telegram Bot API on 127.0.0.1: real HTTP, records every call, injects faults.

The bot under test talks to it through TELEGRAM_API_URL exactly as it would to a self-hosted Bot
API server. Tests push updates (private and group messages, inline queries, button presses) and
wait for the calls the bot makes in answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_ID = 7000001
BOT_USERNAME = "talks_test_bot"
TOKEN = "7000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"
# Parameters PTB sends JSON-encoded inside form fields.
JSON_FIELDS = {
    "reply_markup",
    "results",
    "commands",
    "scope",
    "reply_parameters",
    "link_preview_options",
    "allowed_updates",
    "button",
    "entities",
}

# Methods whose whole answer is `true`; the stand-in records them and acknowledges.
ACKNOWLEDGED = {
    "answerInlineQuery",
    "answerCallbackQuery",
    "setMyCommands",
    "deleteWebhook",
    "setWebhook",
    "sendChatAction",
}


@dataclass
class Call:
    """One request the bot made."""

    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


@dataclass
class Fault:
    """A planned failure: the next `times` calls of `method` answer this way."""

    status: int
    times: int
    retry_after: int | None = None
    delay: float = 0.0


class FakeBotApi:
    """The stand-in server. Use `async with FakeBotApi() as api:`; `api.url` is its base URL."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(100)
        self._new_update = asyncio.Event()
        self._new_call = asyncio.Event()
        self._faults: dict[str, Fault] = {}
        self._delays: dict[str, float] = {}
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def __aenter__(self) -> FakeBotApi:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # ---- what tests do -------------------------------------------------------------------------

    def fail(self, method: str, status: int, times: int = 1, retry_after: int | None = None) -> None:
        """Answer the next `times` calls of `method` with an error."""
        self._faults[method] = Fault(status, times, retry_after)

    def slow(self, method: str, seconds: float) -> None:
        """Delay every answer to `method` by `seconds`."""
        self._delays[method] = seconds

    def push(self, **update: Any) -> int:
        """Queue an update for getUpdates; returns its update_id."""
        update_id = next(self._update_ids)
        self._updates.append({"update_id": update_id, **update})
        self._new_update.set()
        return update_id

    def message(
        self,
        text: str | None,
        chat_id: int = 1001,
        user_id: int = 1001,
        chat_type: str = "private",
        reply_to: dict[str, Any] | None = None,
        **extra: Any,
    ) -> int:
        """Queue a message update from a user; returns its message_id."""
        message_id = next(self._message_ids)
        chat = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = "Tester"
        else:
            chat["title"] = "Test group"
        msg: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat,
            "from": {"id": user_id, "is_bot": False, "first_name": "Tester"},
            **extra,
        }
        if text is not None:
            msg["text"] = text
            if text.startswith("/"):
                command = text.split()[0]
                msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if reply_to is not None:
            msg["reply_to_message"] = reply_to
        self.push(message=msg)
        return message_id

    def inline(self, query: str, user_id: int = 1001) -> str:
        """Queue an inline query; returns its id."""
        query_id = f"iq{next(self._message_ids)}"
        self.push(
            inline_query={
                "id": query_id,
                "from": {"id": user_id, "is_bot": False, "first_name": "T"},
                "query": query,
                "offset": "",
            }
        )
        return query_id

    def press(self, data: str, message: dict[str, Any], user_id: int = 1001) -> str:
        """Queue a press of an inline button under a message the bot sent; returns the query id."""
        query_id = f"cq{next(self._message_ids)}"
        self.push(
            callback_query={
                "id": query_id,
                "from": {"id": user_id, "is_bot": False, "first_name": "T"},
                "chat_instance": "ci",
                "data": data,
                "message": message,
            }
        )
        return query_id

    def sent(self, method: str = "sendMessage") -> list[Call]:
        """Calls of one method so far."""
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, method: str, count: int = 1, seconds: float = 20.0, **match: Any) -> list[Call]:
        """Wait until `count` calls of `method` whose params include `match` have been made."""
        deadline = time.monotonic() + seconds
        while True:
            found = [c for c in self.sent(method) if all(str(c.params.get(k)) == str(v) for k, v in match.items())]
            if len(found) >= count:
                return found
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{count} {method} calls matching {match} not seen; got {len(found)}")
            self._new_call.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_call.wait(), timeout=min(left, 0.5))

    # ---- the server ----------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await _params(request)
        if method != "getUpdates":
            self.calls.append(Call(method, params))
            self._new_call.set()
        if request.match_info["token"] != TOKEN:
            return _error(401, "Unauthorized")
        if method in self._delays:
            await asyncio.sleep(self._delays[method])
        fault = self._faults.get(method)
        if fault and fault.times > 0:
            fault.times -= 1
            if fault.status == 429:
                return _error(
                    429,
                    f"Too Many Requests: retry after {fault.retry_after or 1}",
                    {"retry_after": fault.retry_after or 1},
                )
            return _error(fault.status, "Internal Server Error")
        handler = getattr(self, f"_api_{method}", None)
        if method in ACKNOWLEDGED:
            result: Any = True
        elif handler is None:
            return _error(404, "Not Found: method not found")
        else:
            result = await handler(params)
        return web.json_response({"ok": True, "result": result})

    async def _api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Talks",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }

    async def _api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates:
            self._new_update.clear()
            timeout = float(params.get("timeout") or 0)
            try:
                await asyncio.wait_for(self._new_update.wait(), timeout=min(timeout, 2.0))
            except TimeoutError:
                return []
        limit = int(params.get("limit") or 100)
        return self._updates[:limit]

    async def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._bot_message(params)

    async def _api_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._bot_message(params, message_id=int(params["message_id"]))

    async def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._bot_message({**params, "text": "(edited)"}, message_id=int(params["message_id"]))

    def _bot_message(self, params: dict[str, Any], message_id: int | None = None) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        chat = {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup", "first_name": "Tester"}
        message = {
            "message_id": message_id or next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Talks", "username": BOT_USERNAME},
            "text": params.get("text", ""),
        }
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        return message


async def _params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        data = await request.json()
        return dict(data) if isinstance(data, dict) else {}
    form = await request.post()
    params: dict[str, Any] = {**request.query}
    for key, value in form.items():
        text = value if isinstance(value, str) else str(value)
        params[key] = json.loads(text) if key in JSON_FIELDS else text
    return params


def _error(status: int, description: str, parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)
