"""A fake Telegram Bot API server on 127.0.0.1, for end-to-end tests and benchmarks.

A real HTTP server (stdlib ``ThreadingHTTPServer`` in a thread) that answers
the way Telegram does: ``{"ok": true, "result": …}`` or an error with
Telegram's code and wording.  It keeps a queue of updates for long-poll
``getUpdates`` (offsets confirm), validates ``sendMessage`` HTML like
Telegram (see :mod:`tests.fakes.telegram_html`), can inject 429/403/400
per method, chat and call, can hold a request unanswered (to kill the bot
while it waits), and records every call for assertions.

The application under test talks to it with
``base_url=server.base_url`` and ``base_file_url=server.base_file_url``.
"""

from __future__ import annotations

import asyncio
import http.client
import itertools
import json
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import parse_qs, unquote, urlsplit

from tests.fakes.telegram_html import EntityParseError, parse_html, utf16_length

__all__ = ["BOT_ID", "BOT_USERNAME", "TOKEN", "Call", "FakeTelegram", "Fault", "Hold"]

#: Shaped like a real token so settings validation accepts it.
TOKEN = "7654321:AAFakeTokenForTestsOnly_abcdefghijklmno"
BOT_ID = int(TOKEN.split(":")[0])
BOT_USERNAME = "zhaiyao_test_bot"
MAX_TEXT = 4096

# parameters python-telegram-bot sends as raw strings (everything else is JSON-encoded)
_STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "action",
        "description",
        "short_description",
        "url",
        "secret_token",
        "file_id",
        "language_code",
        "name",
        "ip_address",
    }
)

T = TypeVar("T")
#: Straight to 127.0.0.1, whatever proxy the environment names.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True, slots=True)
class Call:
    """One request the fake answered."""

    method: str
    params: dict[str, Any]
    status: int
    response: dict[str, Any]
    at: float  # time.monotonic() when answered

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok"))

    @property
    def chat_id(self) -> Any:
        return self.params.get("chat_id")

    @property
    def reply_to(self) -> int | None:
        rp = self.params.get("reply_parameters")
        if isinstance(rp, dict):
            return rp.get("message_id")
        rid = self.params.get("reply_to_message_id")
        return int(rid) if rid is not None else None

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))


@dataclass(slots=True)
class Fault:
    """An injected error: ``times`` calls of ``method`` (to ``chat_id``, if set) fail."""

    method: str
    code: int
    description: str
    chat_id: int | None = None
    times: int | None = 1  # None: forever
    retry_after: int | None = None
    skip: int = 0  # matching calls that succeed before the fault starts


@dataclass(eq=False)
class Hold:
    """A request held unanswered (see :meth:`FakeTelegram.hold_when`).

    ``arrived`` is set when the first matching request comes in; ``method``
    and ``params`` are then what it asked.  The request gets no answer until
    :meth:`release` (answered as usual) or :meth:`drop` (the connection is
    closed unanswered: nothing happened, nothing is recorded).  Stopping the
    server drops it.
    """

    predicate: Callable[[str, dict[str, Any]], bool]
    arrived: threading.Event = field(default_factory=threading.Event)
    method: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    _decided: threading.Event = field(default_factory=threading.Event)
    _answer: bool = False

    def release(self) -> None:
        self._answer = True
        self._decided.set()

    def drop(self) -> None:
        self._decided.set()

    def wait(self) -> bool:
        """(In the request's thread) until decided; True: answer it, False: drop it."""
        self._decided.wait()
        return self._answer


@dataclass(slots=True)
class _Chat:
    id: int
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    next_message_id: int = 1
    messages: set[int] = field(default_factory=set)

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name"):
            value = getattr(self, key)
            if value is not None:
                d[key] = value
        return d


class FakeTelegram:
    """The fake Bot API.  Use as a context manager or call :meth:`start`/:meth:`stop`."""

    def __init__(
        self,
        token: str = TOKEN,
        *,
        can_read_all_group_messages: bool = False,
        username: str = BOT_USERNAME,
    ) -> None:
        self.token = token
        self.can_read_all_group_messages = can_read_all_group_messages
        self.username = username
        self._lock = threading.Condition()
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._last_update_id = 0
        self._polls_started = 0
        self._calls: list[Call] = []
        self._faults: list[Fault] = []
        self._holds: list[Hold] = []
        self._chats: dict[int, _Chat] = {}
        self._admins: set[int] = set()
        self._member_status: dict[tuple[int, int], str] = {}
        self._files: dict[str, tuple[str, bytes]] = {}
        self._closed = False
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.webhook_url = ""
        self.webhook_secret: str | None = None

    # --- lifecycle -----------------------------------------------------------

    def start(self) -> FakeTelegram:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._httpd = _Server(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._lock:
            self._closed = True
            self._lock.notify_all()
            holds, self._holds = self._holds, []
        for hold in holds:
            hold.drop()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # --- the world: chats, updates, files, faults -------------------------------

    def chat(
        self,
        chat_id: int,
        type: str | None = None,
        *,
        title: str | None = None,
        username: str | None = None,
    ) -> dict[str, Any]:
        """Declare (or look up) a chat; private when ``chat_id > 0`` unless told."""
        with self._lock:
            return self._chat(chat_id, type, title=title, username=username).as_dict()

    def _chat(
        self,
        chat_id: int,
        type: str | None = None,
        *,
        title: str | None = None,
        username: str | None = None,
    ) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            kind = type or ("private" if chat_id > 0 else "supergroup")
            chat = _Chat(
                chat_id,
                kind,
                title=title if kind != "private" else None,
                username=username,
                first_name=f"User{chat_id}" if kind == "private" else None,
            )
            self._chats[chat_id] = chat
        return chat

    def new_message(
        self,
        chat_id: int,
        *,
        text: str | None = None,
        user_id: int | None = None,
        language_code: str | None = "en",
        **fields: Any,
    ) -> dict[str, Any]:
        """A message dict from a user in ``chat_id`` with the next message id there."""
        with self._lock:
            chat = self._chat(chat_id)
            message_id = chat.next_message_id
            chat.next_message_id += 1
            chat.messages.add(message_id)
            sender = user_id if user_id is not None else chat_id if chat_id > 0 else 1000
            message: dict[str, Any] = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": chat.as_dict(),
                "from": {
                    "id": sender,
                    "is_bot": False,
                    "first_name": f"User{sender}",
                    **({"language_code": language_code} if language_code else {}),
                },
            }
            if text is not None:
                message["text"] = text
            message.update(fields)
            return message

    def push_update(self, payload: dict[str, Any]) -> int:
        """Queue an update (``{"message": …}`` or the like); returns its update_id."""
        with self._lock:
            update_id = next(self._update_ids)
            self._last_update_id = update_id
            self._updates.append({"update_id": update_id, **payload})
            self._lock.notify_all()
            return update_id

    def webhook_update(self, payload: dict[str, Any]) -> dict[str, Any]:
        """An update (the next update_id) for :meth:`post_update`; not queued for polling."""
        with self._lock:
            update_id = next(self._update_ids)
            self._last_update_id = update_id
            return {"update_id": update_id, **payload}

    def post_update(self, url: str, update: dict[str, Any], *, timeout: float = 30.0) -> int | None:
        """Deliver ``update`` to a webhook as Telegram does: its JSON POSTed to ``url`` with
        the secret ``setWebhook`` registered.  The HTTP status, or None when no answer came
        (Telegram then delivers the same update again).  Blocking: call it in a thread."""
        headers = {"Content-Type": "application/json"}
        if self.webhook_secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook_secret
        body = json.dumps(update, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with _DIRECT.open(request, timeout=timeout) as answer:
                return int(answer.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)
        except (OSError, http.client.HTTPException):  # refused, reset, closed unanswered
            return None

    def send(self, chat_id: int, text: str | None = None, **fields: Any) -> dict[str, Any]:
        """A user sends a message: build it, queue it as an update, return it."""
        message = self.new_message(chat_id, text=text, **fields)
        self.push_update({"message": message})
        return message

    @property
    def last_update_id(self) -> int:
        with self._lock:
            return self._last_update_id

    @property
    def polls_started(self) -> int:
        """getUpdates requests received so far (recorded calls appear only once answered)."""
        with self._lock:
            return self._polls_started

    def pending_updates(self) -> int:
        with self._lock:
            return len(self._updates)

    def set_admin(self, chat_id: int, admin: bool = True) -> None:
        with self._lock:
            (self._admins.add if admin else self._admins.discard)(chat_id)

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """What ``getChatMember`` says about a user: "creator", "administrator", "member"…"""
        with self._lock:
            self._member_status[(chat_id, user_id)] = status

    def press(
        self, message: dict[str, Any], data: str, *, user_id: int, language_code: str = "en"
    ) -> int:
        """A user presses an inline button with ``data`` under ``message`` (a sent message)."""
        query = {
            "id": f"cq{self.last_update_id + 1}",
            "from": {
                "id": user_id,
                "is_bot": False,
                "first_name": f"User{user_id}",
                "language_code": language_code,
            },
            "message": message,
            "chat_instance": f"ci{message['chat']['id']}",
            "data": data,
        }
        return self.push_update({"callback_query": query})

    def add_file(self, file_id: str, content: bytes, file_path: str) -> None:
        with self._lock:
            self._files[file_id] = (file_path, content)

    def fail(
        self,
        method: str,
        code: int,
        *,
        chat_id: int | None = None,
        times: int | None = 1,
        retry_after: int | None = None,
        description: str | None = None,
        skip: int = 0,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (to ``chat_id``) fail with ``code``
        (after ``skip`` more calls succeed)."""
        default = {
            400: "Bad Request: injected failure",
            403: "Forbidden: bot was blocked by the user",
            429: f"Too Many Requests: retry after {retry_after or 1}",
            500: "Internal Server Error",
        }.get(code, "Error")
        if code == 429 and retry_after is None:
            retry_after = 1
        with self._lock:
            self._faults.append(
                Fault(method, code, description or default, chat_id, times, retry_after, skip)
            )

    def hold_when(self, predicate: Callable[[str, dict[str, Any]], bool]) -> Hold:
        """Hold the first request for which ``predicate(method, params)`` is true.

        It is neither answered nor recorded until the returned :class:`Hold` is
        released or dropped (or the server stops): the client is left waiting
        for its answer.  ``predicate`` runs in the server's request thread.
        """
        hold = Hold(predicate)
        with self._lock:
            if self._closed:
                hold.drop()
            else:
                self._holds.append(hold)
        return hold

    def _hold_for(self, method: str, params: dict[str, Any]) -> Hold | None:
        with self._lock:
            for hold in self._holds:
                if not hold.arrived.is_set() and hold.predicate(method, params):
                    hold.method, hold.params = method, params
                    hold.arrived.set()
                    return hold
        return None

    def block(self, chat_id: int) -> None:
        """The user of ``chat_id`` blocked the bot: every send there gets 403 from now on."""
        self.fail("sendMessage", 403, chat_id=chat_id, times=None)
        self.fail("sendChatAction", 403, chat_id=chat_id, times=None)

    # --- what happened ---------------------------------------------------------

    def forget(self) -> None:
        """Forget the calls recorded and the faults still armed (the next test of a shared
        bot starts from here); chats, files and update ids carry on."""
        with self._lock:
            self._calls.clear()
            self._faults.clear()

    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def sent(self, chat_id: int | None = None) -> list[Call]:
        """Successful ``sendMessage`` calls (to ``chat_id``, if given)."""
        return [
            c
            for c in self.calls("sendMessage")
            if c.ok and (chat_id is None or c.chat_id == chat_id)
        ]

    async def wait_for(
        self, probe: Callable[[], T | None], *, timeout: float = 10.0, what: str = "condition"
    ) -> T:
        """Poll ``probe`` until it returns something truthy; fail after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            found = probe()
            if found:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"timed out after {timeout}s waiting for {what}; calls: "
                    + ", ".join(f"{c.method}({c.chat_id})={c.status}" for c in self.calls())
                )
            await asyncio.sleep(0.01)

    async def wait_sent(self, chat_id: int, count: int = 1, *, timeout: float = 10.0) -> list[Call]:
        """The first ``count`` messages sent to ``chat_id``, waiting for them if needed."""

        def probe() -> list[Call] | None:
            sent = self.sent(chat_id)
            return sent[:count] if len(sent) >= count else None

        return await self.wait_for(probe, timeout=timeout, what=f"{count} message(s) to {chat_id}")

    async def wait_updates_consumed(self, *, timeout: float = 10.0) -> None:
        """Until the bot has fetched and confirmed every queued update."""
        await self.wait_for(
            lambda: self.pending_updates() == 0, timeout=timeout, what="updates consumed"
        )

    # --- the API -----------------------------------------------------------------

    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Answer one Bot API call: (HTTP status, JSON body)."""
        if method == "getUpdates":
            status, body = 200, {"ok": True, "result": self._get_updates(params)}
        else:
            with self._lock:
                status, body = self._answer(method, params)
        with self._lock:
            self._calls.append(Call(method, params, status, body, time.monotonic()))
        return status, body

    def _fault_for(self, method: str, params: dict[str, Any]) -> Fault | None:
        for fault in self._faults:
            if fault.method != method:
                continue
            if fault.chat_id is not None and fault.chat_id != params.get("chat_id"):
                continue
            if fault.skip > 0:
                fault.skip -= 1
                continue
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
            return fault
        return None

    def _answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        fault = self._fault_for(method, params)
        if fault is not None:
            body: dict[str, Any] = {
                "ok": False,
                "error_code": fault.code,
                "description": fault.description,
            }
            if fault.retry_after is not None:
                body["parameters"] = {"retry_after": fault.retry_after}
            return fault.code, body
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return _error(404, "Not Found: method not found")
        try:
            return 200, {"ok": True, "result": handler(params)}
        except _ApiError as exc:
            return _error(exc.code, exc.description)

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = max(1, min(int(params.get("limit") or 100), 100))
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + timeout
        with self._lock:
            self._polls_started += 1
            if offset:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and not self._closed:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._lock.wait(left)
            return [dict(u) for u in self._updates[:limit]]

    def _me(self) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Zhaiyao Test",
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": self.can_read_all_group_messages,
            "supports_inline_queries": False,
        }

    def _api_getMe(self, params: dict[str, Any]) -> Any:
        return self._me()

    def _api_deleteWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook_url = ""
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _api_setWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook_url = str(params.get("url", ""))
        self.webhook_secret = params.get("secret_token") or None
        return True

    def _api_getWebhookInfo(self, params: dict[str, Any]) -> Any:
        return {"url": self.webhook_url, "has_custom_certificate": False, "pending_update_count": 0}

    def _api_setMyCommands(self, params: dict[str, Any]) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list) or not commands:
            raise _ApiError(400, "Bad Request: commands must be a non-empty list")
        for c in commands:
            name = str(c.get("command", ""))
            if not (1 <= len(name) <= 32 and name.islower() and name.replace("_", "").isalnum()):
                raise _ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(c.get("description", ""))) <= 256:
                raise _ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        return True

    def _api_sendChatAction(self, params: dict[str, Any]) -> Any:
        self._known_chat(params)
        return True

    def _api_getChat(self, params: dict[str, Any]) -> Any:
        return self._known_chat(params).as_dict()

    def _api_getChatMember(self, params: dict[str, Any]) -> Any:
        chat = self._known_chat(params)
        user_id = int(params.get("user_id", 0))
        if user_id == BOT_ID:
            user = self._me()
            admin = chat.id in self._admins
        else:
            user = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
            admin = False
            status = self._member_status.get((chat.id, user_id))
            if status == "creator":
                return {"status": "creator", "user": user, "is_anonymous": False}
            admin = status == "administrator"
        if admin:
            return {
                "status": "administrator",
                "user": user,
                "can_be_edited": False,
                "is_anonymous": False,
                "can_manage_chat": True,
                "can_delete_messages": True,
                "can_manage_video_chats": False,
                "can_restrict_members": False,
                "can_promote_members": False,
                "can_change_info": False,
                "can_invite_users": True,
                "can_post_stories": False,
                "can_edit_stories": False,
                "can_delete_stories": False,
            }
        return {"status": "member", "user": user}

    def _api_getChatAdministrators(self, params: dict[str, Any]) -> Any:
        chat = self._known_chat(params)
        if chat.type == "private":
            raise _ApiError(400, "Bad Request: there are no administrators in the private chat")
        admins = [
            {
                "status": "creator",
                "user": {"id": 1, "is_bot": False, "first_name": "Owner"},
                "is_anonymous": False,
            }
        ]
        if chat.id in self._admins:
            admins.append(self._api_getChatMember({"chat_id": chat.id, "user_id": BOT_ID}))
        return admins

    def _api_getFile(self, params: dict[str, Any]) -> Any:
        file_id = str(params.get("file_id", ""))
        if file_id not in self._files:
            raise _ApiError(400, "Bad Request: invalid file_id")
        path, content = self._files[file_id]
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(content),
            "file_path": path,
        }

    def file_content(self, path: str) -> bytes | None:
        with self._lock:
            for file_path, content in self._files.values():
                if file_path == path:
                    return content
        return None

    def _known_chat(self, params: dict[str, Any]) -> _Chat:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int) or chat_id not in self._chats:
            raise _ApiError(400, "Bad Request: chat not found")
        return self._chats[chat_id]

    def _api_sendMessage(self, params: dict[str, Any]) -> Any:
        chat = self._known_chat(params)
        raw = str(params.get("text", ""))
        mode = str(params.get("parse_mode", "")).lower()
        if mode == "html":
            try:
                plain = parse_html(raw)
            except EntityParseError as exc:
                raise _ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
        elif mode in ("", "none"):
            plain = raw
        else:
            raise _ApiError(400, f"Bad Request: unsupported parse_mode {mode!r} in the fake")
        if not plain.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if utf16_length(plain) > MAX_TEXT:
            raise _ApiError(400, "Bad Request: message is too long")
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            target = reply.get("message_id")
            if target not in chat.messages and not reply.get("allow_sending_without_reply"):
                raise _ApiError(400, "Bad Request: message to be replied not found")
        return self._posted(chat, text=plain)

    def _posted(self, chat: _Chat, **fields: Any) -> dict[str, Any]:
        """A message the bot posted in ``chat`` (the next message id there) with ``fields``."""
        message_id = chat.next_message_id
        chat.next_message_id += 1
        chat.messages.add(message_id)
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat.as_dict(),
            "from": self._me(),
        }
        return message | {k: v(message_id) if callable(v) else v for k, v in fields.items()}

    def _api_sendDocument(self, params: dict[str, Any]) -> Any:
        """A file upload (``/feed export``): the bytes stay in ``params["document"]``."""
        chat = self._known_chat(params)
        document = params.get("document")
        if not isinstance(document, bytes) or not document:
            raise _ApiError(400, "Bad Request: there is no document in the request")
        caption = str(params.get("caption", ""))
        if str(params.get("parse_mode", "")).lower() == "html":
            try:
                caption = parse_html(caption)
            except EntityParseError as exc:
                raise _ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
        if utf16_length(caption) > 1024:
            raise _ApiError(400, "Bad Request: message caption is too long")
        return self._posted(
            chat,
            document=lambda n: {"file_id": f"doc-{n}", "file_unique_id": f"udoc-{n}"},
            **({"caption": caption} if caption else {}),
        )

    def _api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        if not str(params.get("callback_query_id", "")):
            raise _ApiError(400, "Bad Request: query is too old and response timeout expired")
        return True

    def _api_editMessageText(self, params: dict[str, Any]) -> Any:
        chat = self._known_chat(params)
        message_id = params.get("message_id")
        if message_id not in chat.messages:
            raise _ApiError(400, "Bad Request: message to edit not found")
        raw = str(params.get("text", ""))
        try:
            plain = parse_html(raw) if str(params.get("parse_mode", "")).lower() == "html" else raw
        except EntityParseError as exc:
            raise _ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
        if not plain.strip() or utf16_length(plain) > MAX_TEXT:
            raise _ApiError(400, "Bad Request: message text is empty or too long")
        return {
            "message_id": message_id,
            "date": int(time.time()),
            "edit_date": int(time.time()),
            "chat": chat.as_dict(),
            "from": self._me(),
            "text": plain,
        }


class _ApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def _error(code: int, description: str) -> tuple[int, dict[str, Any]]:
    return code, {"ok": False, "error_code": code, "description": description}


def _decode(key: str, value: str) -> Any:
    if key in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _parse_body(content_type: str, body: bytes) -> dict[str, Any]:
    if content_type.startswith("application/json"):
        data = json.loads(body or b"{}")
        return dict(data) if isinstance(data, dict) else {}
    if content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + body
        )
        params: dict[str, Any] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            if not isinstance(name, str) or not isinstance(payload, bytes):
                continue
            if part.get_filename():
                params[name] = payload
            else:
                params[name] = _decode(name, payload.decode("utf-8"))
        return params
    return {k: _decode(k, v) for k, v in _form_fields(body).items()}


#: A run of percent escapes: a Han character is three, a Chinese text one long run.
_ESCAPES = re.compile(rb"(?:%[0-9A-Fa-f]{2})+")


def _form_fields(body: bytes) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body (how python-telegram-bot sends a
    call's parameters), the last value of each name, as ``parse_qs`` reads it.

    ``parse_qs`` decodes percent escapes one at a time in Python (~1 µs each, a third of
    a millisecond for a digest); here each run of them is one ``bytes.fromhex``."""
    fields: dict[str, str] = {}
    for pair in body.split(b"&"):
        if not pair:
            continue
        name, _, value = pair.partition(b"=")
        fields[_unquote_plus(name)] = _unquote_plus(value)
    return fields


def _unquote_plus(raw: bytes) -> str:
    spaced = raw.replace(b"+", b" ")
    decoded = _ESCAPES.sub(lambda run: bytes.fromhex(run[0].replace(b"%", b"").decode()), spaced)
    return decoded.decode("utf-8", "replace")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # python-telegram-bot opens many connections at once under load


class _Handler(BaseHTTPRequestHandler):
    fake: FakeTelegram
    protocol_version = "HTTP/1.1"
    # headers and body go out in two writes: with Nagle on, the body waits for the
    # client's delayed ACK of the headers (~40 ms a call on Linux)
    disable_nagle_algorithm = True
    # ... unless they are buffered: then an answer is one write (sent when the request is
    # handled), one segment for the client to read instead of two
    wbufsize = 64 * 1024

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    def handle(self) -> None:
        # a client that gave up (a cancelled long poll) is not an error worth a traceback
        try:
            super().handle()
        except (ConnectionError, TimeoutError):
            self.close_connection = True

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        token_prefix = f"/bot{self.fake.token}/"
        file_prefix = f"/file/bot{self.fake.token}/"
        # python-telegram-bot percent-encodes file paths (and with them the token's ":")
        file_path = unquote(url.path)
        if file_path.startswith(file_prefix):
            content = self.fake.file_content(file_path[len(file_prefix) :])
            if content is None:
                self._reply(404, b"Not Found", "text/plain")
            else:
                self._reply(200, content, "application/octet-stream")
            return
        if not url.path.startswith("/bot"):  # not the Bot API (a wrong TELEGRAM_BASE_URL)
            status, answer = _error(404, "Not Found")
        elif not url.path.startswith(token_prefix):
            status, answer = _error(401, "Unauthorized")
        else:
            method = url.path[len(token_prefix) :]
            params = {k: _decode(k, v[-1]) for k, v in parse_qs(url.query).items()}
            params.update(_parse_body(self.headers.get("Content-Type", ""), body))
            hold = self.fake._hold_for(method, params)
            if hold is not None and not hold.wait():
                self.close_connection = True  # dropped: the client gets no answer at all
                return
            status, answer = self.fake.handle(method, params)
        data = json.dumps(answer, ensure_ascii=False).encode("utf-8")
        self._reply(status, data, "application/json")

    def _reply(self, status: int, data: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
