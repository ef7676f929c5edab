"""Attachments are fetched only from Discord's CDN over HTTPS, and never beyond the size limit
(issue 25, item 9)."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp import web

from bot.discord import cdn
from tests.support.discord_world import World, png, running_world

USER = 940000000000000001


@pytest.fixture
async def world(tmp_path: Path):
    async with running_world(tmp_path, guilds=2, max_image_bytes=100_000) as world:
        yield world


@pytest.mark.parametrize(
    "url",
    [
        "http://cdn.discordapp.com/attachments/1/2/a.png",  # not HTTPS
        "https://127.0.0.1/attachments/1/2/a.png",
        "https://cdn.discordapp.com.evil.example/a.png",
        "https://cdn.discordapp.com@evil.example/a.png",
        "https://cdn.discordapp.com:8443/a.png",
    ],
)
async def test_only_discords_cdn_origins_pass(url: str) -> None:
    with pytest.raises(cdn.DiscordActionFailed, match="not a file uploaded to Discord"):
        await cdn.fetch(url, "painting", 10**7)


def test_the_real_origins_are_discords_https_cdn() -> None:
    assert cdn.origin_of("https://cdn.discordapp.com/attachments/1/2/a.png?ex=1&is=2&hm=3") in cdn.CDN_ORIGINS
    assert cdn.origin_of("https://media.discordapp.net/attachments/1/2/a.png") in cdn.CDN_ORIGINS


async def test_an_attachment_url_off_the_cdn_is_never_fetched(world: World) -> None:
    fake, guild = world.fake, world.guilds[0]
    stamp = fake.next_id()
    painting = fake.host(f"p-{stamp}.png", png(), "image/png")
    photo = fake.host(f"o-{stamp}.png", png(), "image/png")
    painting["url"] = painting["url"].replace("127.0.0.1", "localhost")  # same server, another origin
    options = [
        {"name": "painting", "type": 11, "value": painting["id"]},
        {"name": "object", "type": 11, "value": photo["id"]},
    ]
    interaction = await fake.command(guild, USER, "harmonize", options, [painting, photo])
    answer = await world.answer(interaction)
    assert answer.ephemeral and "not a file uploaded to Discord" in answer.content
    assert f"/cdn/p-{stamp}.png" not in fake.cdn_requests


async def test_a_file_bigger_than_it_claims_stops_at_the_limit(world: World) -> None:
    fake, guild = world.fake, world.guilds[1]
    stamp = fake.next_id()
    painting = fake.host(f"p-{stamp}.png", png() + b"\0" * 2_000_000, "image/png")
    painting["size"] = 1000  # what the payload claims
    photo = fake.host(f"o-{stamp}.png", png(), "image/png")
    options = [
        {"name": "painting", "type": 11, "value": painting["id"]},
        {"name": "object", "type": 11, "value": photo["id"]},
    ]
    interaction = await fake.command(guild, USER, "harmonize", options, [painting, photo])
    answer = await world.answer(interaction)
    assert answer.ephemeral and "painting is too big; the limit is 0.1 MB" in answer.content
    assert await world.service.list_jobs(_requester(guild.id)) == []


def _requester(guild_id: int):
    from bot.core import Requester

    return Requester("discord", str(USER), str(guild_id))


async def test_a_stream_with_no_declared_length_is_cut_at_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[int] = []

    async def endless(request: web.Request) -> web.StreamResponse:
        answer = web.StreamResponse()  # chunked: no Content-Length to refuse it by
        await answer.prepare(request)
        try:
            for _ in range(1000):
                await answer.write(b"\0" * 65536)
                sent.append(65536)
        except (ConnectionResetError, RuntimeError):
            pass  # the bot hung up
        return answer

    app = web.Application()
    app.router.add_get("/a.png", endless)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    monkeypatch.setattr(cdn, "CDN_ORIGINS", (f"http://127.0.0.1:{port}",))
    try:
        with pytest.raises(cdn.InvalidImage, match="too big"):
            await cdn.fetch(f"http://127.0.0.1:{port}/a.png", "painting", 1_000_000)
        assert sum(sent) < 1000 * 65536  # it stopped reading long before the end
    finally:
        await runner.cleanup()
