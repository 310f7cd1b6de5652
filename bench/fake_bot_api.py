"""A stand-in for the Telegram Bot API on 127.0.0.1: real HTTP, records every call, injects faults.

The bot under test talks to it through TELEGRAM_API_URL exactly as it would to a self-hosted Bot
API server. Tests push updates (private and group messages, inline queries, button presses) and
wait for the calls the bot makes in answer. Like Telegram it parses HTML messages into text and
entities, and refuses what Telegram refuses (too long a text, bad markup, bad inline result ids,
oversized button data) with a 400 that the call records.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
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

# Telegram's limits that the stand-in enforces.
MAX_TEXT = 4096  # a message's text after entity parsing
MAX_INLINE_RESULTS = 50
MAX_RESULT_ID_BYTES = 64
MAX_CALLBACK_DATA_BYTES = 64
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024  # getFile refuses bigger files
# Links Telegram marks as `url` entities (the stand-in knows only those with a scheme).
URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)]")
# HTML parse mode: tag → entity type.
ENTITY_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "tg-emoji": "custom_emoji",
}

# Methods whose whole answer is `true`; the stand-in records them and acknowledges.
ACKNOWLEDGED = {
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
    result: Any = None  # what the stand-in answered, when it succeeded
    error: str | None = None  # the description of the error it answered with, if any


@dataclass
class Fault:
    """A planned failure: the next `times` calls of `method` answer this way."""

    status: int
    times: int
    retry_after: int | None = None


class ApiError(Exception):
    """An error answer: Telegram's status code and description."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


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
        self._delays: dict[str, tuple[float, int | None]] = {}
        self._runner: web.AppRunner | None = None
        self.url = ""
        self.files: dict[str, bytes] = {}  # file_id → content, for getFile and downloads
        self.downloads: list[str] = []  # file paths the bot downloaded

    async def __aenter__(self) -> FakeBotApi:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
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

    def slow(self, method: str, seconds: float, times: int | None = None) -> None:
        """Delay the next `times` answers to `method` (all, if None) by `seconds`."""
        self._delays[method] = (seconds, times)

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
        language_code: str | None = None,
        **extra: Any,
    ) -> int:
        """Queue a message update from a user (whose Telegram is in `language_code`); returns its message_id."""
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
            "from": _user(user_id, "Tester", language_code),
            **extra,
        }
        if text is not None:
            msg["text"] = text
            entities = _text_entities(text)
            if entities:
                msg["entities"] = entities
        if reply_to is not None:
            msg["reply_to_message"] = reply_to
        self.push(message=msg)
        return message_id

    def document(
        self,
        file_name: str,
        content: bytes,
        mime_type: str = "text/plain",
        chat_id: int = 1001,
        user_id: int = 1001,
        file_size: int | None = None,
    ) -> int:
        """Queue a private message carrying a file, served by getFile; returns its message_id.

        `file_size` overrides the size the message declares (Telegram's, which the bot may check first).
        """
        file_id = f"doc{len(self.files) + 1}"
        self.files[file_id] = content
        document = {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": len(content) if file_size is None else file_size,
        }
        return self.message(None, chat_id=chat_id, user_id=user_id, document=document)

    def channel_post(
        self,
        text: str,
        chat_id: int,
        username: str | None = None,
        title: str = "Test channel",
        message_id: int | None = None,
        edited: bool = False,
        caption: bool = False,
    ) -> int:
        """Queue a post in a channel (or, `edited`, a new version of post `message_id`); returns its message_id."""
        message_id = message_id or next(self._message_ids)
        chat: dict[str, Any] = {"id": chat_id, "type": "channel", "title": title}
        if username:
            chat["username"] = username
        post: dict[str, Any] = {"message_id": message_id, "date": int(time.time()), "chat": chat, "sender_chat": chat}
        if caption:
            post["caption"] = text
            post["photo"] = [{"file_id": "p", "file_unique_id": "pu", "width": 1, "height": 1}]
        else:
            post["text"] = text
            post["entities"] = _text_entities(text)
        if edited:
            post["edit_date"] = int(time.time())
        self.push(**{"edited_channel_post" if edited else "channel_post": post})
        return message_id

    def inline(self, query: str, user_id: int = 1001, language_code: str | None = None) -> str:
        """Queue an inline query; returns its id."""
        query_id = f"iq{next(self._message_ids)}"
        self.push(
            inline_query={
                "id": query_id,
                "from": _user(user_id, "T", language_code),
                "query": query,
                "offset": "",
            }
        )
        return query_id

    def press(self, data: str, message: dict[str, Any], user_id: int = 1001, language_code: str | None = None) -> str:
        """Queue a press of an inline button under a message the bot sent; returns the query id."""
        query_id = f"cq{next(self._message_ids)}"
        self.push(
            callback_query={
                "id": query_id,
                "from": _user(user_id, "T", language_code),
                "chat_instance": "ci",
                "data": data,
                "message": message,
            }
        )
        return query_id

    def sent(self, method: str = "sendMessage") -> list[Call]:
        """Calls of one method so far."""
        return [c for c in self.calls if c.method == method]

    def refused(self) -> list[Call]:
        """Calls answered with an error (other than faults the test planned)."""
        return [c for c in self.calls if c.error is not None]

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
        call = Call(method, params)
        if method != "getUpdates":
            self.calls.append(call)
            self._new_call.set()
        if request.match_info["token"] != TOKEN:
            return _error(401, "Unauthorized")
        delay, times = self._delays.get(method, (0.0, None))
        if delay and times != 0:
            self._delays[method] = (delay, None if times is None else times - 1)
            await asyncio.sleep(delay)
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
        try:
            _check_reply_markup(params)
            if method in ACKNOWLEDGED:
                result: Any = True
            elif handler is None:
                raise ApiError(404, "Not Found: method not found")
            else:
                result = await handler(params)
        except ApiError as exc:
            call.error = exc.description
            return _error(exc.status, exc.description)
        call.result = result
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

    async def _api_getFile(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = str(params.get("file_id", ""))
        if file_id not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        size = len(self.files[file_id])
        if size > MAX_DOWNLOAD_BYTES:
            raise ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": size,
            "file_path": f"documents/{file_id}",
        }

    async def _download(self, request: web.Request) -> web.Response:
        """A file the bot asked getFile for, at Telegram's download address."""
        path = request.match_info["path"]
        self.downloads.append(path)
        if request.match_info["token"] != TOKEN:
            return web.Response(status=401, text="Unauthorized")
        content = self.files.get(path.removeprefix("documents/"))
        if content is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=content, content_type="application/octet-stream")

    async def _api_answerInlineQuery(self, params: dict[str, Any]) -> bool:
        results = params.get("results") or []
        if len(results) > MAX_INLINE_RESULTS:
            raise ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
        ids: set[str] = set()
        for result in results:
            result_id = str(result.get("id", ""))
            if not 1 <= len(result_id.encode()) <= MAX_RESULT_ID_BYTES:
                raise ApiError(400, "Bad Request: RESULT_ID_INVALID")
            if result_id in ids:
                raise ApiError(400, "Bad Request: RESULT_ID_DUPLICATE")
            ids.add(result_id)
            content = result.get("input_message_content") or {}
            if "message_text" in content:
                _message_text(content["message_text"], content.get("parse_mode"))
        return True

    async def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._bot_message(params)

    async def _api_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._bot_message(params, message_id=int(params["message_id"]))

    async def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._bot_message({**params, "text": "(edited)"}, message_id=int(params["message_id"]))

    def _bot_message(self, params: dict[str, Any], message_id: int | None = None) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        chat = {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup", "first_name": "Tester"}
        text, entities = _message_text(str(params.get("text", "")), params.get("parse_mode"))
        message = {
            "message_id": message_id or next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Talks", "username": BOT_USERNAME},
            "text": text,
        }
        if entities:
            message["entities"] = entities
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        return message


def _user(user_id: int, first_name: str, language_code: str | None) -> dict[str, Any]:
    """A human user as updates carry it; `language_code` is the language of their Telegram app, if given."""
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if language_code is not None:
        user["language_code"] = language_code
    return user


class _EntityParser(HTMLParser):
    """Telegram's HTML parse mode: the text, and entities with UTF-16 offsets."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text = ""
        self.entities: list[dict[str, Any]] = []
        self.open_tags: list[tuple[str, int, dict[str, str | None]]] = []

    def _offset(self) -> int:
        return len(self.text.encode("utf-16-le")) // 2

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ENTITY_TAGS:
            raise ApiError(400, f"Bad Request: can't parse entities: Unsupported start tag <{tag}>")
        self.open_tags.append((tag, self._offset(), dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if not self.open_tags or self.open_tags[-1][0] != tag:
            raise ApiError(400, f"Bad Request: can't parse entities: Unmatched end tag </{tag}>")
        _, start, attrs = self.open_tags.pop()
        entity: dict[str, Any] = {"type": ENTITY_TAGS[tag], "offset": start, "length": self._offset() - start}
        if tag == "a":
            entity["url"] = attrs.get("href") or ""
        if entity["length"]:
            self.entities.append(entity)

    def handle_data(self, data: str) -> None:
        self.text += data


def _message_text(text: str, parse_mode: object) -> tuple[str, list[dict[str, Any]]]:
    """A message's text and entities as Telegram would store them; ApiError where Telegram refuses it."""
    entities: list[dict[str, Any]] = []
    if str(parse_mode).upper() == "HTML":
        parser = _EntityParser()
        parser.feed(text)
        parser.close()
        if parser.open_tags:
            tag = parser.open_tags[-1][0]
            raise ApiError(400, f"Bad Request: can't parse entities: Can't find end tag for <{tag}>")
        text, entities = parser.text, sorted(parser.entities, key=lambda e: e["offset"])
    if not text.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if len(text) > MAX_TEXT:
        raise ApiError(400, "Bad Request: message is too long")
    return text, entities


def _text_entities(text: str) -> list[dict[str, Any]]:
    """The entities Telegram finds in a typed text: a leading command, and links."""
    entities: list[dict[str, Any]] = []
    if text.startswith("/"):
        entities.append({"type": "bot_command", "offset": 0, "length": len(text.split()[0])})
    for link in URL.finditer(text):
        offset = len(text[: link.start()].encode("utf-16-le")) // 2
        entities.append({"type": "url", "offset": offset, "length": len(link[0].encode("utf-16-le")) // 2})
    return entities


def _check_reply_markup(params: dict[str, Any]) -> None:
    """Inline keyboard buttons' callback data must be 1-64 bytes."""
    markup = params.get("reply_markup")
    rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
    for button in (b for row in rows for b in row):
        data = button.get("callback_data")
        if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
            raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")


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
