"""A local stand-in for Discord that discord.py's real HTTP client and gateway talk to.

No maintained Discord emulator exists (docs/bot-conventions.md §3), so this aiohttp server speaks the documented
protocol for what the bot uses: login (GET /users/@me, /oauth2/applications/@me), the gateway
(HELLO op 10, IDENTIFY op 2, READY and GUILD_CREATE dispatches op 0, heartbeats op 1 / ACK op 11,
INTERACTION_CREATE), interaction callbacks, webhook follow-ups and edits, channel messages with
multipart files (enforcing the upload limit it reports) and message components (buttons; a
press is a MESSAGE_COMPONENT interaction, answered by an update of its message or a new one),
attachment downloads, and command sync.
Tests point discord.py at it by patching `Route.BASE` and `DiscordWebSocket.DEFAULT_GATEWAY`.
"""

from __future__ import annotations

import asyncio
import datetime
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web

from tests.support.fake_timer import HANG_GUARD_S

API = "/api/v10"
TOKEN = "stand-in-bot-token"
APP_ID = 700000000000000001
BOT_ID = 700000000000000002
EPHEMERAL = 1 << 6  # message flag
MANAGE_GUILD = 1 << 5  # permission bit
EVERYDAY = (1 << 10) | (1 << 11) | (1 << 15) | (1 << 16)  # view, send, attach, read history
MESSAGE_LIMIT = 25 * 2**20  # bytes per message request (DAD channel.mdx)
MAX_FILES = 10
DISCORD_EPOCH_MS = 1420070400000  # snowflake time origin (DAD reference.mdx)


@dataclass
class StoredFile:
    """One uploaded attachment."""

    filename: str
    data: bytes
    content_type: str


@dataclass
class Message:
    """A message the bot posted (in a channel, or as an interaction reply or follow-up)."""

    id: int
    channel_id: int
    content: str
    flags: int = 0
    files: list[StoredFile] = field(default_factory=list)
    edits: list[str] = field(default_factory=list)  # every content it showed, first to last
    allowed_mentions: dict[str, Any] | None = None
    reference: dict[str, Any] | None = None
    deleted: bool = False
    components: list[dict[str, Any]] = field(default_factory=list)  # action rows of buttons

    def custom_ids(self) -> list[str]:
        """The custom ids of the message's buttons, row by row."""
        return [
            button["custom_id"]
            for row in self.components
            for button in row.get("components", [])
            if "custom_id" in button
        ]

    @property
    def ephemeral(self) -> bool:
        """True when only the interaction's user sees it."""
        return bool(self.flags & EPHEMERAL)


@dataclass
class Interaction:
    """One slash command the stand-in sent, and how the bot answered it."""

    id: int
    token: str
    user_id: int
    channel_id: int
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    original: Message | None = None
    followups: list[Message] = field(default_factory=list)
    message: Message | None = None  # the message whose button was pressed (component interactions)

    def replies(self) -> list[Message]:
        """The answer (when it has content) and every follow-up, oldest first."""
        first = [self.original] if self.original is not None and self.original.content else []
        return first + self.followups


@dataclass
class Guild:
    """A server with one text channel; `upload_limit` is reported, `enforced_limit` applied."""

    id: int
    channel_id: int
    owner_id: int
    upload_limit: int = 10 * 2**20
    enforced_limit: int | None = None  # None: the reported one
    bot_may_post: bool = True  # False: the bot lacks Send Messages in the channel
    nsfw: bool = False  # the channel is marked age-restricted (channel.nsfw)

    @property
    def effective_limit(self) -> int:
        """The per-file limit POST requests are held to."""
        return self.upload_limit if self.enforced_limit is None else self.enforced_limit


def _snowflakes() -> Callable[[], int]:
    """Unique ids that carry the current time, as Discord's do (interactions expire by it)."""
    counter = itertools.count(1)
    return lambda: (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22 | next(counter) % 4096


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat()


def _json(body: Any, status: int = 200) -> web.Response:
    """A JSON response with Discord's exact content type (discord.py compares it verbatim)."""
    return web.Response(body=json.dumps(body).encode(), status=status, headers={"Content-Type": "application/json"})


def user_json(user_id: int, name: str | None = None, bot: bool = False) -> dict[str, Any]:
    """A user object."""
    return {
        "id": str(user_id),
        "username": name or f"user{user_id % 10000}",
        "discriminator": "0",
        "global_name": None,
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


class FakeDiscord:
    """The stand-in server; `await start()`, then point discord.py at `api_url` / `gateway_url`."""

    def __init__(self) -> None:
        self.next_id = _snowflakes()
        self.guilds: dict[int, Guild] = {}
        self.messages: dict[int, Message] = {}
        self.interactions: dict[int, Interaction] = {}
        self.cdn: dict[str, tuple[bytes, str]] = {}
        self.cdn_requests: list[str] = []  # the path of every attachment download, in order
        self.synced: dict[str, list[dict[str, Any]]] = {}  # "global" or guild id -> commands
        self.identify: dict[str, Any] | None = None
        self.heartbeats = 0
        self.refused: list[tuple[int, int]] = []  # (HTTP status, channel id) of refused posts
        self.ready = asyncio.Event()
        self._socket: web.WebSocketResponse | None = None
        self._sequence = 0
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Listen on a free local port."""
        app = web.Application(client_max_size=64 * 2**20, middlewares=[self._require_token])
        app.add_routes(
            [
                web.get(f"{API}/users/@me", self._me),
                web.get(f"{API}/oauth2/applications/@me", self._application),
                web.get(f"{API}/gateway", self._gateway_url),
                web.get("/gateway", self._gateway),
                web.get("/cdn/{name}", self._cdn),
                web.post(f"{API}/interactions/{{iid}}/{{token}}/callback", self._callback),
                web.patch(f"{API}/webhooks/{{app}}/{{token}}/messages/@original", self._edit_original),
                web.post(f"{API}/webhooks/{{app}}/{{token}}", self._followup),
                web.post(f"{API}/channels/{{cid}}/messages", self._post_message),
                web.patch(f"{API}/channels/{{cid}}/messages/{{mid}}", self._edit_message),
                web.delete(f"{API}/channels/{{cid}}/messages/{{mid}}", self._delete_message),
                web.put(f"{API}/applications/{{app}}/commands", self._sync),
                web.put(f"{API}/applications/{{app}}/guilds/{{gid}}/commands", self._sync),
            ]
        )
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}"

    async def close(self) -> None:
        """Stop serving."""
        if self._socket is not None:
            await self._socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        """What `discord.http.Route.BASE` must be."""
        return self.base_url + API

    @property
    def gateway_url(self) -> str:
        """What `DiscordWebSocket.DEFAULT_GATEWAY` must be."""
        return self.base_url.replace("http", "ws", 1) + "/gateway"

    # ------------------------------------------------------------------ test helpers

    def add_guild(self, upload_limit: int = 10 * 2**20) -> Guild:
        """A new server with one text channel (call before the bot connects)."""
        guild = Guild(self.next_id(), self.next_id(), self.next_id(), upload_limit)
        self.guilds[guild.id] = guild
        return guild

    def host(self, name: str, data: bytes, content_type: str) -> dict[str, Any]:
        """Serve a file as an attachment; returns its attachment object."""
        self.cdn[name] = (data, content_type)
        return {
            "id": str(self.next_id()),
            "filename": name,
            "size": len(data),
            "url": f"{self.base_url}/cdn/{name}",
            "proxy_url": f"{self.base_url}/cdn/{name}",
            "content_type": content_type,
        }

    async def command(
        self,
        guild: Guild,
        user_id: int,
        name: str,
        options: list[dict[str, Any]] | None = None,
        attachments: list[dict[str, Any]] | None = None,
        permissions: int = EVERYDAY,
        users: tuple[int, ...] = (),
    ) -> Interaction:
        """Dispatch INTERACTION_CREATE for `/name` (options as Discord sends them; `users`: the
        user options' ids, sent resolved as Discord does)."""
        interaction = Interaction(self.next_id(), f"token-{self.next_id()}", user_id, guild.channel_id)
        self.interactions[interaction.id] = interaction
        data: dict[str, Any] = {"id": str(self.next_id()), "name": name, "type": 1, "options": options or []}
        if attachments:
            data["resolved"] = {"attachments": {a["id"]: a for a in attachments}}
        if users:
            data.setdefault("resolved", {})["users"] = {str(user): user_json(user) for user in users}
        await self.dispatch("INTERACTION_CREATE", self._interaction_json(guild, interaction, 2, data, permissions))
        return interaction

    async def press(
        self, guild: Guild, user_id: int, message: Message, custom_id: str, permissions: int = EVERYDAY
    ) -> Interaction:
        """Dispatch INTERACTION_CREATE for a press on one of `message`'s buttons."""
        assert custom_id in message.custom_ids(), f"no button {custom_id!r} on that message"
        interaction = Interaction(self.next_id(), f"token-{self.next_id()}", user_id, guild.channel_id, message=message)
        self.interactions[interaction.id] = interaction
        data = {"custom_id": custom_id, "component_type": 2}
        payload = self._interaction_json(guild, interaction, 3, data, permissions)
        payload["message"] = self._message_json(message)
        await self.dispatch("INTERACTION_CREATE", payload)
        return interaction

    def _interaction_json(
        self, guild: Guild, interaction: Interaction, kind: int, data: dict[str, Any], permissions: int
    ) -> dict[str, Any]:
        """An interaction object of `kind` (2: slash command, 3: message component)."""
        user_id = interaction.user_id
        return {
            "id": str(interaction.id),
            "application_id": str(APP_ID),
            "type": kind,
            "token": interaction.token,
            "version": 1,
            "guild_id": str(guild.id),
            "channel_id": str(guild.channel_id),
            "channel": self._channel_json(guild),
            "member": {
                "user": user_json(user_id),
                "roles": [],
                "joined_at": _now(),
                "deaf": False,
                "mute": False,
                "flags": 0,
                "permissions": str(permissions),
            },
            "data": data,
            "app_permissions": str(EVERYDAY),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "context": 0,
            "authorizing_integration_owners": {"0": str(guild.id)},
            "attachment_size_limit": guild.upload_limit,
        }

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a gateway dispatch (op 0) to the connected bot."""
        assert self._socket is not None, "the bot is not connected"
        self._sequence += 1
        await self._socket.send_json({"op": 0, "s": self._sequence, "t": event, "d": data})

    async def wait_for(self, test: Callable[[], Any], timeout: float = HANG_GUARD_S) -> Any:
        """The first truthy `test()`, re-checked after every request, within `timeout` s."""
        deadline = time.monotonic() + timeout
        while True:
            result = test()
            if result:
                return result
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"stand-in Discord: condition not met in {timeout} s")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.2))
            except asyncio.TimeoutError:
                pass

    def post_as_bot(self, channel_id: int, content: str) -> Message:
        """A message the bot posted earlier (e.g. before a restart)."""
        return self._new_message(channel_id, {"content": content}, [])

    def channel_messages(self, channel_id: int) -> list[Message]:
        """Messages posted in a channel (not interaction replies), oldest first."""
        return [
            m
            for m in self.messages.values()
            if m.channel_id == channel_id
            and not any(
                (m is i.original and m is not i.message) or m in i.followups for i in self.interactions.values()
            )
        ]

    # ------------------------------------------------------------------ REST

    @web.middleware
    async def _require_token(self, request: web.Request, handler: Any) -> web.StreamResponse:
        """401 for bot-authenticated routes without the bot's token (webhook-style routes,
        which authenticate by their interaction token, and the gateway and CDN are exempt)."""
        open_route = any(part in request.path for part in ("/webhooks/", "/interactions/"))
        if request.path.startswith(API) and not open_route:
            if request.headers.get("Authorization") != f"Bot {TOKEN}":
                return _json({"code": 0, "message": "401: Unauthorized"}, status=401)
        return await handler(request)

    def _touch(self) -> None:
        self._changed.set()

    async def _me(self, request: web.Request) -> web.Response:
        return _json(user_json(BOT_ID, "painterly", bot=True))

    async def _application(self, request: web.Request) -> web.Response:
        return _json(
            {
                "id": str(APP_ID),
                "name": "painterly",
                "description": "",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "verify_key": "00",
                "owner": user_json(1),
                "flags": 0,
                "team": None,
                "summary": "",
                "interactions_endpoint_url": None,
            }
        )

    async def _gateway_url(self, request: web.Request) -> web.Response:
        return _json({"url": self.gateway_url})

    async def _cdn(self, request: web.Request) -> web.Response:
        self.cdn_requests.append(request.path)
        data, content_type = self.cdn[request.match_info["name"]]
        return web.Response(body=data, content_type=content_type)

    async def _body(self, request: web.Request) -> tuple[dict[str, Any], list[StoredFile]]:
        """The JSON payload and files of a JSON or multipart request."""
        if not request.content_type.startswith("multipart/"):
            return (await request.json() if request.can_read_body else {}), []
        payload: dict[str, Any] = {}
        files: list[StoredFile] = []
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                raise web.HTTPBadRequest(text="nested multipart is not what the client sends")
            if part.name == "payload_json":
                payload = json.loads(await part.text())
            else:
                files.append(
                    StoredFile(part.filename or "", bytes(await part.read()), part.headers.get("Content-Type", ""))
                )
        return payload, files

    def _message_json(self, message: Message) -> dict[str, Any]:
        guild = next((g for g in self.guilds.values() if g.channel_id == message.channel_id), None)
        return {
            "id": str(message.id),
            "channel_id": str(message.channel_id),
            **({"guild_id": str(guild.id)} if guild else {}),
            "author": user_json(BOT_ID, "painterly", bot=True),
            "content": message.content,
            "timestamp": _now(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [
                {
                    "id": str(self.next_id()),
                    "filename": f.filename,
                    "size": len(f.data),
                    "url": f"{self.base_url}/cdn/x",
                    "proxy_url": f"{self.base_url}/cdn/x",
                }
                for f in message.files
            ],
            "embeds": [],
            "pinned": False,
            "type": 0,
            "flags": message.flags,
            "components": message.components,
        }

    def _new_message(self, channel_id: int, payload: dict[str, Any], files: list[StoredFile]) -> Message:
        message = Message(
            self.next_id(),
            channel_id,
            payload.get("content") or "",
            int(payload.get("flags") or 0),
            files,
            [payload.get("content") or ""],
            payload.get("allowed_mentions"),
            payload.get("message_reference"),
            components=list(payload.get("components") or []),
        )
        self.messages[message.id] = message
        self._touch()
        return message

    def _too_large(self, channel_id: int, files: list[StoredFile], per_file: int) -> web.Response | None:
        """Discord's 413 when a file or the message is over the limits."""
        too_big = any(len(f.data) > per_file for f in files)
        if too_big or sum(len(f.data) for f in files) > MESSAGE_LIMIT or len(files) > MAX_FILES:
            self.refused.append((413, channel_id))
            self._touch()
            return _json({"code": 40005, "message": "Request entity too large"}, status=413)
        return None

    def _interaction(self, token: str) -> Interaction:
        return next(i for i in self.interactions.values() if i.token == token)

    async def _callback(self, request: web.Request) -> web.Response:
        interaction = self.interactions[int(request.match_info["iid"])]
        assert interaction.token == request.match_info["token"]
        if interaction.callbacks:
            return _json({"code": 40060, "message": "Interaction has already been acknowledged."}, status=400)
        payload, files = await self._body(request)
        interaction.callbacks.append(payload)
        data = payload.get("data") or {}
        kind = payload["type"]
        if kind in (6, 7):  # (deferred) update of the message whose button was pressed
            assert interaction.message is not None, "only a button press can update its message"
            if kind == 7:
                self._apply_edit(interaction.message, data, files)
            interaction.original = interaction.message
            return _json({"interaction": {"id": str(interaction.id), "type": 3}, "resource": {"type": kind}})
        interaction.original = self._new_message(interaction.channel_id, data, files)
        body: dict[str, Any] = {
            "interaction": {
                "id": str(interaction.id),
                "type": 2,
                "response_message_id": str(interaction.original.id),
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(int(data.get("flags") or 0) & EPHEMERAL),
            },
            "resource": {"type": kind},
        }
        if kind == 4:
            body["resource"]["message"] = self._message_json(interaction.original)
        return _json(body)

    async def _edit_original(self, request: web.Request) -> web.Response:
        interaction = self._interaction(request.match_info["token"])
        payload, files = await self._body(request)
        assert interaction.original is not None, "edited an interaction that was not answered"
        self._apply_edit(interaction.original, payload, files)
        return _json(self._message_json(interaction.original))

    async def _followup(self, request: web.Request) -> web.Response:
        interaction = self._interaction(request.match_info["token"])
        payload, files = await self._body(request)
        original = interaction.original
        if original is not None and original is not interaction.message and not original.content and not original.files:
            # the first follow-up after a deferral replaces the "thinking" message and keeps
            # the deferral's visibility (docs/bot-conventions.md §2)
            self._apply_edit(original, payload, files)
            return _json(self._message_json(original))
        message = self._new_message(interaction.channel_id, payload, files)
        interaction.followups.append(message)
        return _json(self._message_json(message))

    def _apply_edit(self, message: Message, payload: dict[str, Any], files: list[StoredFile]) -> None:
        if "content" in payload:
            message.content = payload["content"] or ""
            message.edits.append(message.content)
        if files or "attachments" in payload:  # the edit's uploads replace the old files
            message.files = files
        if "components" in payload:
            message.components = list(payload["components"] or [])
        self._touch()

    async def _post_message(self, request: web.Request) -> web.Response:
        channel_id = int(request.match_info["cid"])
        guild = next(g for g in self.guilds.values() if g.channel_id == channel_id)
        if not guild.bot_may_post:
            self.refused.append((403, channel_id))
            return _json({"code": 50013, "message": "Missing Permissions"}, status=403)
        payload, files = await self._body(request)
        refusal = self._too_large(channel_id, files, guild.effective_limit)
        if refusal is not None:
            return refusal
        return _json(self._message_json(self._new_message(channel_id, payload, files)))

    def _stored(self, request: web.Request) -> Message | None:
        message = self.messages.get(int(request.match_info["mid"]))
        if message is None or message.deleted:
            return None
        assert message.channel_id == int(request.match_info["cid"])
        return message

    async def _edit_message(self, request: web.Request) -> web.Response:
        message = self._stored(request)
        if message is None:
            return _json({"code": 10008, "message": "Unknown Message"}, status=404)
        payload, files = await self._body(request)
        self._apply_edit(message, payload, files)
        return _json(self._message_json(message))

    async def _delete_message(self, request: web.Request) -> web.Response:
        message = self._stored(request)
        if message is None:
            return _json({"code": 10008, "message": "Unknown Message"}, status=404)
        message.deleted = True
        self._touch()
        return web.Response(status=204)

    async def _sync(self, request: web.Request) -> web.Response:
        commands = await request.json()
        where = request.match_info.get("gid", "global")
        self.synced[where] = commands
        self._touch()
        echoed = [
            {
                **command,
                "id": str(self.next_id()),
                "application_id": str(APP_ID),
                "version": "1",
                "default_member_permissions": None,
                "type": command.get("type", 1),
            }
            for command in commands
        ]
        return _json(echoed)

    # ------------------------------------------------------------------ gateway

    def _channel_json(self, guild: Guild) -> dict[str, Any]:
        return {
            "id": str(guild.channel_id),
            "type": 0,
            "guild_id": str(guild.id),
            "name": "general",
            "position": 0,
            "permission_overwrites": [],
            "nsfw": guild.nsfw,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
        }

    def _guild_json(self, guild: Guild) -> dict[str, Any]:
        return {
            "id": str(guild.id),
            "name": f"server {guild.id % 10000}",
            "icon": None,
            "owner_id": str(guild.owner_id),
            "unavailable": False,
            "member_count": 2,
            "large": False,
            "joined_at": _now(),
            "features": [],
            "emojis": [],
            "stickers": [],
            "roles": [
                {
                    "id": str(guild.id),
                    "name": "@everyone",
                    "permissions": str(EVERYDAY),
                    "position": 0,
                    "color": 0,
                    "hoist": False,
                    "managed": False,
                    "mentionable": False,
                    "flags": 0,
                }
            ],
            "channels": [self._channel_json(guild)],
            "threads": [],
            "members": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "nsfw_level": 0,
        }

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._socket = socket
        await socket.send_json({"op": 10, "d": {"heartbeat_interval": 500}})
        async for frame in socket:
            message = json.loads(frame.data)
            if message["op"] == 2:
                self.identify = message["d"]
                await self._welcome()
            elif message["op"] == 1:
                self.heartbeats += 1
                await socket.send_json({"op": 11})
        return socket

    async def _welcome(self) -> None:
        """READY, then one GUILD_CREATE per server."""
        await self.dispatch(
            "READY",
            {
                "v": 10,
                "user": user_json(BOT_ID, "painterly", bot=True),
                "guilds": [{"id": str(g), "unavailable": True} for g in self.guilds],
                "session_id": "stand-in-session",
                "resume_gateway_url": self.gateway_url,
                "application": {"id": str(APP_ID), "flags": 0},
                "shard": [0, 1],
            },
        )
        for guild in self.guilds.values():
            await self.dispatch("GUILD_CREATE", self._guild_json(guild))
        self.ready.set()
