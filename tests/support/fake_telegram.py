"""A fake Telegram Bot API server (aiohttp, 127.0.0.1) for end-to-end tests of the Telegram bot.

It implements, as the Bot API documentation describes them, the methods the bot uses: getMe,
deleteWebhook, setMyCommands, getUpdates (long polling with offset), getFile and the download
path /file/bot<token>/<file_path>, sendMessage, editMessageText, sendPhoto, sendDocument, sendAnimation,
sendMediaGroup (multipart with attach:// references), editMessageMedia, editMessageCaption,
deleteMessage, answerCallbackQuery and getChatMember. Media sent with `has_spoiler` carry `has_media_spoiler`.
Answers are `{"ok": true, "result": ...}` or `{"ok": false, "error_code", "description"[,
"parameters"]}`. Tests play the users with `send_text`, `send_photo`, `send_document` and `press`,
inject errors with `fail_next`, and wait on what the bot did with `wait_for`.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import BodyPartReader, web
from PIL import Image

from tests.support.fake_timer import HANG_GUARD_S

T = TypeVar("T")

TOKEN = "123456:TEST-fake-token"
BOT_USER = {
    "id": 123456,
    "is_bot": True,
    "first_name": "Painterly",
    "username": "painterly_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
# Bot API limits the fake enforces.
DOWNLOAD_LIMIT = 20_000_000  # getFile
PHOTO_LIMIT = 10_000_000  # sendPhoto
UPLOAD_LIMIT = 50_000_000  # other uploads
TEXT_LIMIT = 4096  # sendMessage / editMessageText
CALLBACK_DATA_LIMIT = 64  # InlineKeyboardButton.callback_data, bytes
INT_FIELDS = {"chat_id", "message_id", "offset", "limit", "timeout", "user_id", "message_thread_id", "cache_time"}
JSON_FIELDS = {
    "reply_markup",
    "media",
    "reply_parameters",
    "allowed_updates",
    "commands",
    "entities",
    "caption_entities",
    "link_preview_options",
    "scope",
}
BOOL_FIELDS = {
    "show_alert",
    "drop_pending_updates",
    "disable_notification",
    "protect_content",
    "allow_sending_without_reply",
    "has_spoiler",
}
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply "
    "markup of the specified message are exactly the same as a current content and "
    "reply markup of the message"
)


class ApiError(Exception):
    """An error answer: HTTP status = error_code."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


@dataclass(frozen=True)
class Upload:
    """One uploaded multipart part: its file name and bytes."""

    filename: str
    data: bytes


@dataclass
class Call:
    """One request the bot made: method, typed parameters, uploaded parts, the answer, when."""

    method: str
    params: dict[str, Any]
    files: dict[str, Upload]
    ok: bool = True
    result: Any = None
    error_code: int | None = None
    at: float = field(default_factory=time.monotonic)


@dataclass
class StoredFile:
    """A file on the fake's servers; `declared_size` may exceed len(data) to fake a huge file."""

    file_id: str
    unique_id: str
    path: str
    data: bytes
    declared_size: int


@dataclass
class Failure:
    """An error to answer on a method's next call."""

    code: int
    description: str
    parameters: dict[str, Any] | None = None
    plain: bool = False  # a bare text body, as the proxy in front of the Bot API answers a 5xx


@dataclass
class FakeTelegram:
    """The server's state; `await start()` gives the API root to pass as the bot's base URL."""

    token: str = TOKEN
    updates: list[dict[str, Any]] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    edits: dict[tuple[int, int], list[str]] = field(default_factory=dict)
    files: dict[str, StoredFile] = field(default_factory=dict)
    chats: dict[int, dict[str, Any]] = field(default_factory=dict)
    admins: dict[int, set[int]] = field(default_factory=dict)
    callback_queries: dict[str, dict[str, Any]] = field(default_factory=dict)
    failures: dict[str, list[Failure]] = field(default_factory=dict)
    deleted: list[tuple[int, int]] = field(default_factory=list)  # (chat id, message id) the bot deleted

    def __post_init__(self) -> None:
        self._ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._changed = asyncio.Condition()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._allowed_updates: list[str] = []

    # ------------------------------------------------------------------ server

    async def start(self) -> str:
        """Listen on a free port of 127.0.0.1; return the API root (http://127.0.0.1:PORT)."""
        app = web.Application(client_max_size=UPLOAD_LIMIT * 4)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return f"http://127.0.0.1:{port}"

    async def close(self) -> None:
        """Wake long polls and stop the server."""
        self._closing = True
        await self._notify()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _api(self, request: web.Request) -> web.Response:
        """Dispatch /bot<token>/<method> (GET or POST; query, form, multipart or JSON)."""
        if request.match_info["token"] != self.token:
            return _error_response(ApiError(401, "Unauthorized"))
        method = request.match_info["method"]
        handler = getattr(self, f"_m_{method.lower()}", None)
        params, files = await _parameters(request)
        call = Call(method, params, files)
        try:
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            queued = self.failures.get(method)
            if queued:
                failure = queued.pop(0)
                if failure.plain:
                    call.ok, call.error_code = False, failure.code
                    self.calls.append(call)
                    await self._notify()
                    return web.Response(status=failure.code, text=failure.description)
                raise ApiError(failure.code, failure.description, failure.parameters)
            call.result = await handler(params, files)
            response = web.json_response({"ok": True, "result": call.result})
        except ApiError as error:
            call.ok, call.error_code = False, error.code
            response = _error_response(error)
        if method != "getUpdates":
            self.calls.append(call)
            await self._notify()
        return response

    async def _download(self, request: web.Request) -> web.Response:
        """GET /file/bot<token>/<file_path>."""
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        path = request.match_info["path"]
        for stored in self.files.values():
            if stored.path == path:
                return web.Response(body=stored.data, content_type="application/octet-stream")
        return web.Response(status=404, text="Not Found")

    # ---------------------------------------------------------------- the user side

    def user(self, user_id: int, name: str = "Ada") -> dict[str, Any]:
        """A user, and their private chat with the bot."""
        self.chats.setdefault(user_id, {"id": user_id, "type": "private", "first_name": name})
        return {"id": user_id, "is_bot": False, "first_name": name, "language_code": "en"}

    def group(self, chat_id: int, title: str = "Painters", admins: tuple[int, ...] = ()) -> dict:
        """A supergroup the bot is in, with its admins' user ids."""
        self.chats[chat_id] = {"id": chat_id, "type": "supergroup", "title": title}
        self.admins[chat_id] = set(admins)
        return self.chats[chat_id]

    def send_text(self, chat_id: int, user: dict[str, Any], text: str, reply_to: int | None = None) -> dict[str, Any]:
        """The user sends a text (a /command gets its bot_command entity)."""
        content: dict[str, Any] = {"text": text}
        entities = _command_entities(text)
        if entities:
            content["entities"] = entities
        return self._user_message(chat_id, user, content, reply_to)

    def send_photo(
        self,
        chat_id: int,
        user: dict[str, Any],
        data: bytes,
        caption: str | None = None,
        media_group_id: str | None = None,
        reply_to: int | None = None,
    ) -> dict:
        """The user sends a photo: a thumbnail and the full size, as Telegram stores them."""
        width, height = Image.open(io.BytesIO(data)).size
        thumb = self._store(_thumbnail(data), "photos", "jpg")
        full = self._store(data, "photos", "jpg")
        scale = 90 / max(width, height)
        content: dict[str, Any] = {
            "photo": [
                _photo_size(thumb, max(1, round(width * scale)), max(1, round(height * scale))),
                _photo_size(full, width, height),
            ]
        }
        return self._user_message(chat_id, user, self._with_caption(content, caption, media_group_id), reply_to)

    def send_document(
        self,
        chat_id: int,
        user: dict[str, Any],
        data: bytes,
        file_name: str,
        mime_type: str,
        caption: str | None = None,
        media_group_id: str | None = None,
        declared_size: int | None = None,
        reply_to: int | None = None,
    ) -> dict:
        """The user sends a file; `declared_size` fakes a bigger one without the bytes."""
        stored = self._store(data, "documents", file_name.rpartition(".")[2] or "bin", declared_size)
        content: dict[str, Any] = {
            "document": {
                "file_id": stored.file_id,
                "file_unique_id": stored.unique_id,
                "file_name": file_name,
                "mime_type": mime_type,
                "file_size": stored.declared_size,
            }
        }
        return self._user_message(chat_id, user, self._with_caption(content, caption, media_group_id), reply_to)

    def press(self, user: dict[str, Any], message: dict[str, Any], data: str) -> str:
        """The user presses an inline button under a bot message; returns the query id."""
        query_id = str(next(self._ids))
        current = self.messages[(message["chat"]["id"], message["message_id"])]
        self.callback_queries[query_id] = {"answered": False, "user_id": user["id"]}
        self._push(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user,
                    "message": current,
                    "chat_instance": f"ci{message['chat']['id']}",
                    "data": data,
                }
            }
        )
        return query_id

    def fail_next(
        self,
        method: str,
        code: int = 429,
        description: str | None = None,
        retry_after: int | None = 1,
        plain: bool = False,
    ) -> None:
        """Answer the method's next call with an error (429 carries parameters.retry_after;
        `plain`: a text body, not the Bot API's JSON)."""
        if code == 429:
            text = description or f"Too Many Requests: retry after {retry_after}"
            failure = Failure(429, text, {"retry_after": retry_after})
        else:
            failure = Failure(code, description or "Bad Request", plain=plain)
        self.failures.setdefault(method, []).append(failure)

    # ---------------------------------------------------------------- assertions

    def calls_to(self, method: str, ok: bool | None = True) -> list[Call]:
        """The bot's calls of one method (successful ones by default; None: all)."""
        return [c for c in self.calls if c.method == method and (ok is None or c.ok == ok)]

    def bot_messages(self, chat_id: int) -> list[dict[str, Any]]:
        """Messages the bot sent to a chat, oldest first, as they are now."""
        return [
            m for (chat, _), m in sorted(self.messages.items()) if chat == chat_id and m["from"]["id"] == BOT_USER["id"]
        ]

    def texts(self, chat_id: int) -> list[str]:
        """The current texts of the bot's text messages in a chat."""
        return [m["text"] for m in self.bot_messages(chat_id) if "text" in m]

    async def wait_for(self, probe: Callable[[], T | None], timeout: float = HANG_GUARD_S) -> T:
        """The first truthy result of `probe()`, re-checked whenever the bot calls the API."""
        deadline = time.monotonic() + timeout
        async with self._changed:
            while True:
                value = probe()
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    recent = [(c.method, c.params.get("text")) for c in self.calls[-15:]]
                    raise AssertionError(f"not seen within {timeout} s; last calls: {recent}")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), remaining)

    # ---------------------------------------------------------------- internals

    def _store(self, data: bytes, folder: str, suffix: str, declared_size: int | None = None) -> StoredFile:
        number = next(self._ids)
        stored = StoredFile(
            f"FILE{number}",
            f"U{number}",
            f"{folder}/file_{number}.{suffix}",
            data,
            declared_size if declared_size is not None else len(data),
        )
        self.files[stored.file_id] = stored
        return stored

    @staticmethod
    def _with_caption(content: dict[str, Any], caption: str | None, media_group_id: str | None) -> dict[str, Any]:
        if caption is not None:
            content["caption"] = caption
            entities = _command_entities(caption)
            if entities:
                content["caption_entities"] = entities
        if media_group_id is not None:
            content["media_group_id"] = media_group_id
        return content

    def _new_message(
        self, chat_id: int, sender: dict[str, Any], content: dict[str, Any], reply_to: int | None
    ) -> dict[str, Any]:
        counter = self._message_ids.setdefault(chat_id, itertools.count(1))
        message = {
            "message_id": next(counter),
            "from": sender,
            "chat": self.chats[chat_id],
            "date": int(time.time()),
            **content,
        }
        if reply_to is not None:
            message["reply_to_message"] = self.messages[(chat_id, reply_to)]
        self.messages[(chat_id, message["message_id"])] = message
        return message

    def _user_message(
        self, chat_id: int, user: dict[str, Any], content: dict[str, Any], reply_to: int | None
    ) -> dict[str, Any]:
        message = self._new_message(chat_id, user, content, reply_to)
        self._push({"message": message})
        return message

    def _push(self, update: dict[str, Any]) -> None:
        update["update_id"] = next(self._ids)
        self.updates.append(update)
        asyncio.get_running_loop().create_task(self._notify())

    def _chat(self, params: dict[str, Any]) -> int:
        chat_id = params.get("chat_id")
        if chat_id not in self.chats:
            raise ApiError(400, "Bad Request: chat not found")
        return chat_id

    def _reply_to(self, chat_id: int, params: dict[str, Any]) -> int | None:
        reply = params.get("reply_parameters")
        if reply is None:
            return None
        message_id = reply.get("message_id")
        if (chat_id, message_id) in self.messages:
            return message_id
        if reply.get("allow_sending_without_reply"):
            return None
        raise ApiError(400, "Bad Request: message to be replied not found")

    def _bot_message(self, params: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat(params)
        markup = params.get("reply_markup")
        if markup is not None:
            _check_markup(markup)
            content["reply_markup"] = markup
        return self._new_message(chat_id, BOT_USER, content, self._reply_to(chat_id, params))

    def _upload(self, value: Any, files: dict[str, Upload], field_name: str) -> Upload:
        """An uploaded file: a multipart part named `field_name`, attach://<name>, or a file_id."""
        if isinstance(value, str) and value.startswith("attach://"):
            name = value.removeprefix("attach://")
            if name not in files:
                raise ApiError(400, f"Bad Request: file {name} must be attached")
            return files[name]
        if field_name in files:
            return files[field_name]
        if isinstance(value, str) and value in self.files:
            stored = self.files[value]
            return Upload(stored.path.rpartition("/")[2], stored.data)
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    def _photo_content(self, data: bytes) -> dict[str, Any]:
        if len(data) > PHOTO_LIMIT:
            raise ApiError(400, "Bad Request: PHOTO_SAVE_FILE_INVALID")
        try:
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
        except OSError:
            raise ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED") from None
        if width + height > 10_000 or max(width, height) / min(width, height) > 20:
            raise ApiError(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
        stored = self._store(data, "photos", "jpg")
        return {"photo": [_photo_size(stored, width, height)]}

    def _document_content(self, data: bytes, name: str) -> dict[str, Any]:
        if len(data) > UPLOAD_LIMIT:
            raise ApiError(413, "Request Entity Too Large")
        stored = self._store(data, "documents", name.rpartition(".")[2] or "bin")
        return {
            "document": {
                "file_id": stored.file_id,
                "file_unique_id": stored.unique_id,
                "file_name": name,
                "file_size": len(data),
            }
        }

    # ---------------------------------------------------------------- methods

    async def _m_getme(self, params: dict, files: dict) -> dict:
        return BOT_USER

    async def _m_deletewebhook(self, params: dict, files: dict) -> bool:
        return True

    async def _m_setmycommands(self, params: dict, files: dict) -> bool:
        for command in params.get("commands", []):
            name, text = command.get("command", ""), command.get("description", "")
            if not (
                1 <= len(name) <= 32 and name.replace("_", "").isalnum() and name.islower() and 1 <= len(text) <= 256
            ):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        return True

    async def _m_getupdates(self, params: dict, files: dict) -> list[dict]:
        offset = params.get("offset")
        if offset:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        if "allowed_updates" in params:
            self._allowed_updates = params["allowed_updates"]
        deadline = time.monotonic() + float(params.get("timeout", 0))
        async with self._changed:
            while not self._pending() and not self._closing:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    await asyncio.wait_for(self._changed.wait(), remaining)
                except TimeoutError:
                    break
        return self._pending()[: int(params.get("limit", 100))]

    def _pending(self) -> list[dict]:
        allowed = self._allowed_updates
        return [u for u in self.updates if not allowed or any(k in u for k in allowed)]

    async def _m_getfile(self, params: dict, files: dict) -> dict:
        stored = self.files.get(params.get("file_id", ""))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if stored.declared_size > DOWNLOAD_LIMIT:
            raise ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "file_size": stored.declared_size,
            "file_path": stored.path,
        }

    async def _m_sendmessage(self, params: dict, files: dict) -> dict:
        text = params.get("text", "")
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > TEXT_LIMIT:
            raise ApiError(400, "Bad Request: message is too long")
        return self._bot_message(params, {"text": text})

    async def _m_editmessagetext(self, params: dict, files: dict) -> dict:
        key = self._message_key(params)
        message = self.messages.get(key)
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if message["from"]["id"] != BOT_USER["id"] or "text" not in message:
            raise ApiError(400, "Bad Request: message can't be edited")
        text, markup = params.get("text", ""), params.get("reply_markup")
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if text == message["text"] and markup == message.get("reply_markup"):
            raise ApiError(400, NOT_MODIFIED)
        if markup is not None:
            _check_markup(markup)
        edited = {k: v for k, v in message.items() if k != "reply_markup"}
        edited.update(text=text, edit_date=int(time.time()))
        if markup is not None:
            edited["reply_markup"] = markup
        self.messages[key] = edited
        self.edits.setdefault(key, []).append(text)
        return edited

    async def _m_sendanimation(self, params: dict, files: dict) -> dict:
        content = self._animation_content(self._upload(params.get("animation"), files, "animation"))
        if "caption" in params:
            content["caption"] = params["caption"]
        return self._bot_message(params, _spoiled(content, params))

    def _animation_content(self, upload: Upload) -> dict[str, Any]:
        if len(upload.data) > UPLOAD_LIMIT:
            raise ApiError(413, "Request Entity Too Large")
        try:
            with Image.open(io.BytesIO(upload.data)) as image:
                (width, height), frames = image.size, getattr(image, "n_frames", 1)
                duration = sum(_frame_ms(image, index) for index in range(frames)) // 1000
        except OSError:
            raise ApiError(400, "Bad Request: wrong type of the web page content") from None
        stored = self._store(upload.data, "animations", upload.filename.rpartition(".")[2] or "gif")
        content: dict[str, Any] = {
            "animation": {
                "file_id": stored.file_id,
                "file_unique_id": stored.unique_id,
                "file_name": upload.filename,
                "file_size": len(upload.data),
                "width": width,
                "height": height,
                "duration": duration,
            }
        }
        return content

    def _message_key(self, params: dict) -> tuple[int, int]:
        """(chat id, message id) of the message a call names; a missing id answers as the Bot API does."""
        message_id = params.get("message_id")
        if not isinstance(message_id, int):
            raise ApiError(400, "Bad Request: message identifier is not specified")
        return self._chat(params), message_id

    def _editable_media(self, params: dict) -> tuple[tuple[int, int], dict[str, Any]]:
        """The bot's media message an edit names (error answers as the Bot API gives them)."""
        key = self._message_key(params)
        message = self.messages.get(key)
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if message["from"]["id"] != BOT_USER["id"] or "text" in message:
            raise ApiError(400, "Bad Request: there is no media in the message to edit")
        return key, message

    def _replace(
        self, key: tuple[int, int], message: dict[str, Any], changes: dict[str, Any], markup: dict[str, Any] | None
    ) -> dict[str, Any]:
        """Store an edited message: `changes` applied, the keyboard replaced (None removes it)."""
        if markup is not None:
            _check_markup(markup)
        edited = {k: v for k, v in message.items() if k != "reply_markup"}
        edited.update(changes, edit_date=int(time.time()))
        if markup is not None:
            edited["reply_markup"] = markup
        self.messages[key] = edited
        return edited

    async def _m_editmessagemedia(self, params: dict, files: dict) -> dict:
        key, message = self._editable_media(params)
        media = params.get("media") or {}
        if media.get("type") not in ("photo", "animation"):
            raise ApiError(400, "Bad Request: only photos and animations are edited by this stand-in")
        upload = self._upload(media.get("media"), files, "")
        kind = "photo" if media["type"] == "photo" else "animation"
        if kind not in message:
            raise ApiError(400, f"Bad Request: the message has no {kind} to replace")  # this stand-in's rule
        content = self._photo_content(upload.data) if kind == "photo" else self._animation_content(upload)
        changes = _spoiled({**content, "caption": media.get("caption", "")}, media)
        edited = self._replace(key, message, changes, params.get("reply_markup"))
        if not media.get("has_spoiler"):
            edited.pop("has_media_spoiler", None)  # new media without has_spoiler shows
        return edited

    async def _m_editmessagecaption(self, params: dict, files: dict) -> dict:
        key, message = self._editable_media(params)
        caption, markup = params.get("caption", ""), params.get("reply_markup")
        if caption == message.get("caption", "") and markup == message.get("reply_markup"):
            raise ApiError(400, NOT_MODIFIED)
        return self._replace(key, message, {"caption": caption}, markup)

    async def _m_sendphoto(self, params: dict, files: dict) -> dict:
        content = self._photo_content(self._upload(params.get("photo"), files, "photo").data)
        if "caption" in params:
            content["caption"] = params["caption"]
        return self._bot_message(params, _spoiled(content, params))

    async def _m_senddocument(self, params: dict, files: dict) -> dict:
        upload = self._upload(params.get("document"), files, "document")
        content = self._document_content(upload.data, upload.filename)
        if "caption" in params:
            content["caption"] = params["caption"]
        return self._bot_message(params, content)

    async def _m_sendmediagroup(self, params: dict, files: dict) -> list[dict]:
        media = params.get("media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise ApiError(400, "Bad Request: wrong number of media in the group (2 to 10)")
        kinds = {item.get("type") for item in media}
        if "document" in kinds and len(kinds) > 1:
            raise ApiError(400, "Bad Request: document can't be mixed with another media types")
        contents = []
        for item in media:
            upload = self._upload(item.get("media"), files, "")
            content = (
                self._photo_content(upload.data)
                if item["type"] == "photo"
                else self._document_content(upload.data, upload.filename)
            )
            if "caption" in item:
                content["caption"] = item["caption"]
            contents.append(_spoiled(content, item))
        group_id = f"G{next(self._ids)}"
        return [self._bot_message(params, {**content, "media_group_id": group_id}) for content in contents]

    async def _m_deletemessage(self, params: dict, files: dict) -> bool:
        key = self._message_key(params)
        if self.messages.pop(key, None) is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        self.deleted.append(key)
        return True

    async def _m_answercallbackquery(self, params: dict, files: dict) -> bool:
        query = self.callback_queries.get(params.get("callback_query_id", ""))
        if query is None or query["answered"]:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        query.update(answered=True, text=params.get("text"), show_alert=params.get("show_alert", False))
        return True

    async def _m_getchatmember(self, params: dict, files: dict) -> dict:
        chat_id = self._chat(params)
        user_id = params.get("user_id")
        user = {"id": user_id, "is_bot": False, "first_name": f"user{user_id}"}
        if user_id in self.admins.get(chat_id, set()):
            rights = dict.fromkeys(
                (
                    "can_manage_chat",
                    "can_delete_messages",
                    "can_manage_video_chats",
                    "can_restrict_members",
                    "can_promote_members",
                    "can_change_info",
                    "can_invite_users",
                    "can_post_stories",
                    "can_edit_stories",
                    "can_delete_stories",
                ),
                True,
            )
            return {"status": "administrator", "user": user, "can_be_edited": False, "is_anonymous": False, **rights}
        return {"status": "member", "user": user}


def _spoiled(content: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """A message's content with `has_media_spoiler` (how the Bot API shows it) when sent with has_spoiler."""
    return {**content, "has_media_spoiler": True} if params.get("has_spoiler") else content


def _error_response(error: ApiError) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": error.code, "description": error.description}
    if error.parameters:
        body["parameters"] = error.parameters
    return web.json_response(body, status=error.code)


async def _parameters(request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
    """Typed parameters and uploaded parts from the query and a form, multipart or JSON body."""
    raw: dict[str, Any] = dict(request.query)
    files: dict[str, Upload] = {}
    if request.content_type == "application/json":
        raw.update(await request.json())
        return raw, files
    if request.content_type == "multipart/form-data":
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or part.name is None:
                raise web.HTTPBadRequest(text="every part of a Bot API upload is a named field")
            if part.filename is not None:
                files[part.name] = Upload(part.filename, bytes(await part.read()))
            else:
                raw[part.name] = await part.text()
    elif request.can_read_body:
        raw.update(await request.post())
    return {key: _typed(key, value) for key, value in raw.items()}, files


def _typed(key: str, value: Any) -> Any:
    """A form field read as the Bot API reads it (Integer, Boolean or a JSON-serialized object)."""
    if not isinstance(value, str):
        return value
    if key in INT_FIELDS:
        return int(value)
    if key in BOOL_FIELDS:
        return value.lower() == "true"
    if key in JSON_FIELDS:
        return json.loads(value)
    return value


def _check_markup(markup: dict[str, Any]) -> None:
    """Refuse inline buttons whose callback_data is empty or over 64 bytes."""
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= CALLBACK_DATA_LIMIT:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")


def _frame_ms(image: Image.Image, index: int) -> int:
    """How long frame `index` of an animated image shows, in milliseconds."""
    image.seek(index)
    return int(image.info.get("duration", 0))


def _command_entities(text: str) -> list[dict[str, Any]]:
    """The bot_command entity of a text or caption that starts with /command."""
    if not text.startswith("/"):
        return []
    return [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]


def _photo_size(stored: StoredFile, width: int, height: int) -> dict[str, Any]:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.unique_id,
        "width": width,
        "height": height,
        "file_size": stored.declared_size,
    }


def _thumbnail(data: bytes) -> bytes:
    """A 90 px JPEG of an image, as Telegram makes for photos."""
    with Image.open(io.BytesIO(data)) as image:
        small = image.convert("RGB")
        small.thumbnail((90, 90))
        buffer = io.BytesIO()
        small.save(buffer, "JPEG")
        return buffer.getvalue()
