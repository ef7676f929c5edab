"""The chat loop (issue 16): upload -> preview in seconds -> move and resize -> Paint it -> result
-> lighter, stronger, more likeness, a better quality, another seed -> result, ...

Front ends call `open` with the two uploads and `press` with a parsed button; both answer with
what to show. Previews never touch the harmonization queue; every press that paints goes
through `HarmonizeService.submit`, so the limits count it like any job.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.core.admin.chat_defaults import NAMES as DEFAULT_NAMES
from bot.core.admin.chat_defaults import ChatDefaults, ChatDefaultsStore, parse_value
from bot.core.admin.picture_moderation import PictureModeration
from bot.core.admin.reports import Reports
from bot.core.chat.actions import Action, Press
from bot.core.chat.loop_state import (
    LoopState,
    moved,
    next_method,
    reliked,
    reseeded,
    resized,
    restyled,
    upgraded,
)
from bot.core.chat.paint_estimate import paint_seconds
from bot.core.chat.posted_results import PostedResults
from bot.core.chat.press_guard import PressClaim, PressGuard, button_of
from bot.core.chat.preview import Preview, PreviewError, PreviewRenderer
from bot.core.chat.preview_limits import PreviewLimits
from bot.core.chat.sessions import LoopJob, Session, SessionStore
from bot.core.errors import BotError, InvalidImage, InvalidOptions, NotAllowed
from bot.core.jobs import CheckedPicture, JobOptions, Requester, Submission
from bot.core.service import HarmonizeService
from harmonize.cutout import Cutter

log = logging.getLogger(__name__)

EXPIRED = "This result expired: send the pictures again."
NOT_YOURS = (
    "These buttons belong to whoever sent the pictures. An admin can let everyone here use them (shared buttons)."
)
AT_THE_END = {
    Action.LIGHTER: "This is already the lightest style.",
    Action.STRONGER: "This is already the strongest style.",
    Action.LESS_LIKE: "The object already keeps none of its own look.",
    Action.MORE_LIKE: "The object already keeps all of its own look.",
    Action.UPGRADE: "This is already the best quality.",
}
MOVES = {Action.LEFT: (-1, 0), Action.RIGHT: (1, 0), Action.UP: (0, -1), Action.DOWN: (0, 1)}


class SessionExpired(BotError):
    """The session's pictures are gone (expired or deleted)."""


@dataclass(frozen=True)
class PreviewShown:
    """A preview to show: its image, the session (id, state) and the methods the photo allows."""

    session: Session
    preview: Preview
    estimate_s: float  # how long Paint it should take (bot/core/chat/paint_estimate.py)


@dataclass(frozen=True)
class Painting:
    """A press queued a job: its submission, the state it paints, its parent job and how long it should take."""

    submission: Submission
    state: LoopState
    parent_job_id: str | None
    estimate_s: float  # once a worker starts it (bot/core/chat/paint_estimate.py)


@dataclass(frozen=True)
class Discarded:
    """The preview was dropped (its pictures deleted)."""


PressOutcome = PreviewShown | Painting | Discarded


class ChatLoop:
    """Sessions, previews and the buttons' effects, over one started HarmonizeService."""

    def __init__(
        self, service: HarmonizeService, clock: Callable[[], float] = time.time, renderer: PreviewRenderer | None = None
    ) -> None:
        settings = service.settings
        self.service = service
        self.clock = clock
        database = service.database  # every table below lives there (bot/core/job_queue/migrations.py)
        self.sessions = SessionStore(database, settings.storage_dir, settings.session_hours * 3600.0)
        self.defaults = ChatDefaultsStore(database)
        self.presses = PressGuard(database)
        self.limits = PreviewLimits(database, settings.user_previews_per_hour, settings.user_preview_bytes)
        self.moderation = PictureModeration(settings, database, service.score_picture, self.defaults)
        self.posted = PostedResults(database)  # a result's messages, for its Delete button
        self.reports = Reports(service, clock)  # the Report button and the admins' decisions
        self.renderer = renderer if renderer is not None else PreviewRenderer(Cutter(settings.cutout_settings()))
        self._janitor: asyncio.Task[None] | None = None
        # the preview quota's second check and a session's files, one opening at a time (open)
        self._creating = asyncio.Lock()

    async def start(self) -> None:
        """Start expiring old sessions every cleanup interval (after the service started: its database is open)."""
        await self.sessions.prepare()
        self._janitor = asyncio.create_task(self._expire_forever(), name="painterly-sessions")

    async def stop(self) -> None:
        """Stop the janitor and the preview threads (before the service stops: it closes the database)."""
        if self._janitor is not None:
            self._janitor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._janitor
        await asyncio.to_thread(self.renderer.close)

    # ------------------------------------------------------------------ front-end API

    async def open(
        self,
        requester: Requester,
        painting: bytes,
        object_image: bytes,
        context: str = "",
        choice: JobOptions | None = None,
    ) -> PreviewShown:
        """Keep the uploads as a new session and render its first preview.

        `choice`: what the user typed (placement, strength, quality); the chat's defaults fill
        the rest. Raises InvalidImage (also when no object is found), InvalidOptions, and the
        preview limits' RateLimited and QuotaExceeded (checked before any decoding).
        """
        settings = self.service.settings
        await self.service.blocks.check(requester)
        kept = await self.sessions.user_files(requester.platform, requester.user_id)
        await self.limits.admit(requester, kept, len(painting) + len(object_image), self.clock())
        formats = []
        for data, what in ((painting, "painting"), (object_image, "object image")):
            formats.append(
                await self.service.decode_gate.validate(data, what, settings.max_image_bytes, settings.max_image_pixels)
            )
        defaults = await self.defaults.get(requester.platform, requester.chat_id)
        state = self._first_state(defaults, choice)
        async with self._creating:  # other openings of this user may have kept files since admit
            kept = await self.sessions.user_files(requester.platform, requester.user_id)
            await self.limits.check_bytes(kept, len(painting) + len(object_image))
            session = await self.sessions.create(
                requester.platform,
                requester.user_id,
                requester.chat_id,
                context,
                state,
                painting,
                formats[0],
                object_image,
                formats[1],
                self.clock(),
            )
        try:
            return await self._render(session, state)
        except BotError:
            await self._drop(session.session_id)
            raise

    async def claim(self, requester: Requester, press: Press) -> PressClaim:
        """Claim the button of a press that queues a job (Action.queues_job), before a front end
        posts anything for it; raises AlreadyPressed for a later press of the same button, and
        SessionExpired, NotAllowed, Blocked as `press` does. Hand the claim to `press`."""
        await self.service.blocks.check(requester)
        session = await self._session_for(requester, press.session_id)
        try:
            return await self.presses.claim(button_of(press, session.state), session.session_id, self.clock())
        except sqlite3.IntegrityError as error:  # the session was deleted meanwhile
            raise SessionExpired(EXPIRED) from error

    async def release(self, claim: PressClaim) -> None:
        """Give back a claim whose press the front end could not go on with."""
        await self.presses.release(claim)

    async def press(
        self, requester: Requester, press: Press, context: str = "", claim: PressClaim | None = None
    ) -> PressOutcome:
        """Apply one button press; `context` is the front end's job context for presses that
        queue a job (Action.queues_job), `claim` their button's claim (made here when None).
        Raises SessionExpired, NotAllowed, InvalidOptions, AlreadyPressed and the limits' errors
        (QuotaExceeded, RateLimited, QueueFull); Blocked for a blocked user."""
        if press.action.queues_job:
            claim = claim if claim is not None else await self.claim(requester, press)
            try:
                await self.service.blocks.check(requester)  # blocked since the claim: the claim goes back
                outcome = await self._apply(requester, press, context)
            except BaseException:
                await self.presses.release(claim)
                raise
            if isinstance(outcome, Painting):
                await self.presses.settle(claim, outcome.submission.job_id)
            return outcome
        await self.service.blocks.check(requester)
        return await self._apply(requester, press, context)

    async def _apply(self, requester: Requester, press: Press, context: str) -> PressOutcome:
        """Apply one press (its button claimed when it queues a job)."""
        session = await self._session_for(requester, press.session_id)
        if press.action.needs_job:  # a button under a result
            return await self._press_result(requester, session, press, context)
        state = session.state
        if press.action in MOVES:
            return await self._render(session, moved(state, *MOVES[press.action]))
        if press.action in (Action.BIGGER, Action.SMALLER):
            return await self._render(session, resized(state, 1 if press.action is Action.BIGGER else -1))
        if press.action is Action.METHOD:
            shown = await self._render(session, state)
            method = next_method(shown.preview.method, shown.preview.methods)
            if method == shown.preview.method:
                raise InvalidOptions("No other way to cut this photo out is available here.")
            return await self._render(session, state.replace(method=method))
        if press.action is Action.PAINT:
            return await self._paint(requester, session, state, None, context)
        if press.action is Action.DISCARD:
            await self._drop(session.session_id)
            return Discarded()
        raise InvalidOptions("That button does nothing here.")

    async def job(self, job_id: str) -> LoopJob | None:
        """The loop's record of a job (its session, parent and state); None for other jobs."""
        return await self.sessions.job(job_id)

    async def delete_user_data(self, requester: Requester) -> int:
        """Delete every session (pictures included) of the requester at once; return how many."""
        ids = await self.sessions.delete_user(requester.platform, requester.user_id)
        for session_id in ids:
            self.renderer.forget(session_id)
        return len(ids)

    async def chat_defaults(self, platform: str, chat_id: str) -> ChatDefaults:
        """The defaults admins set for a chat."""
        return await self.defaults.get(platform, chat_id)

    async def set_chat_default(self, requester: Requester, name: str, value: str | None) -> ChatDefaults:
        """Set (value None: reset) one default of the requester's chat; admins and owners only."""
        if not self.service.is_admin_of(requester, requester.platform, requester.chat_id):
            raise NotAllowed("Only admins of this chat can change its defaults.")
        if name not in DEFAULT_NAMES:
            raise InvalidOptions(f"Unknown default {name!r}; the defaults are: {', '.join(DEFAULT_NAMES)}.")
        parsed = None if value is None else parse_value(name, value, self.service.quality_names)
        await self.defaults.set(requester.platform, requester.chat_id, name, parsed)
        shown = "the bot's own" if value is None else value.strip().lower()
        await self.service.audit.record(requester, f"set the default {name} to {shown}", self.clock())
        return await self.defaults.get(requester.platform, requester.chat_id)

    async def purge_expired(self) -> int:
        """Delete sessions whose window has ended, preview folders with no session, the
        moderation flags of sessions gone and the reports of results gone; return how many sessions."""
        ids = await self.sessions.delete_expired(self.clock())
        for session_id in ids:
            self.renderer.forget(session_id)
        if ids:
            log.info("expired %d loop session(s)", len(ids))
        orphans = await self.sessions.delete_orphan_folders()
        if orphans:
            log.info("deleted %d preview folder(s) with no session", orphans)
        await self.moderation.forget_ended_sessions()
        await self.reports.forget_gone_results()
        return len(ids)

    # ------------------------------------------------------------------ internals

    def _first_state(self, defaults: ChatDefaults, choice: JobOptions | None) -> LoopState:
        """The bot's defaults, then the chat's, then what the user typed."""
        state = defaults.apply(LoopState(quality=self.service.default_quality))
        if choice is None:
            return state
        changes: dict[str, object] = {"x": choice.x, "y": choice.y, "height": choice.height}
        if choice.tau is not None:
            changes["tau"] = choice.tau
        if choice.quality is not None:
            changes["quality"] = choice.quality
        return state.replace(**changes)

    async def _session_for(self, requester: Requester, session_id: str) -> Session:
        """The live session a press acts on, if the requester may press its buttons."""
        session = await self.sessions.get(session_id)
        if session is None or session.expires_at < self.clock():
            raise SessionExpired(EXPIRED)
        owner = (requester.platform, requester.user_id) == (session.platform, session.user_id)
        if not owner and not self.service.is_admin_of(requester, session.platform, session.chat_id):
            same_chat = (requester.platform, requester.chat_id) == (session.platform, session.chat_id)
            defaults = await self.defaults.get(session.platform, session.chat_id)
            if not (same_chat and defaults.shared_buttons):
                raise NotAllowed(NOT_YOURS)
        return session

    async def _render(self, session: Session, state: LoopState) -> PreviewShown:
        """Render `state`, then save it (with the method the render used) as the session's."""
        try:
            preview = await self.renderer.render(session.session_id, session.painting_path, session.object_path, state)
        except PreviewError as error:
            raise InvalidImage(str(error)) from error
        except OSError as error:
            log.warning("session %s: its pictures are unreadable (%s)", session.session_id, error)
            raise SessionExpired(EXPIRED) from error
        state = state.replace(method=preview.method)
        await self.sessions.update(session.session_id, state, self.clock())
        estimate = await asyncio.to_thread(paint_seconds, self.service.settings, state, preview.mask)
        return PreviewShown(dataclasses.replace(session, state=state), preview, estimate)

    async def _press_result(self, requester: Requester, session: Session, press: Press, context: str) -> PressOutcome:
        """A button under a result: back to the preview, or a new job linked to that result."""
        assert press.job_id is not None  # parse_press guarantees it for result buttons
        job = await self.sessions.job(press.job_id)
        if job is None or job.session_id != session.session_id:
            raise SessionExpired(EXPIRED)
        state = job.state
        if press.action is Action.PLACE:
            return await self._render(session, state)
        changed = {
            Action.LIGHTER: lambda: restyled(state, -1),
            Action.STRONGER: lambda: restyled(state, 1),
            Action.LESS_LIKE: lambda: reliked(state, -1),
            Action.MORE_LIKE: lambda: reliked(state, 1),
            Action.UPGRADE: lambda: upgraded(state, self.service.quality_names),
            Action.RESEED: lambda: reseeded(state),
        }[press.action]()
        if changed is None or changed == state:
            raise InvalidOptions(AT_THE_END[press.action])
        return await self._paint(requester, session, changed, job.job_id, context)

    async def _paint(
        self, requester: Requester, session: Session, state: LoopState, parent: str | None, context: str
    ) -> Painting:
        """Queue the harmonization of `state`: the painting and the session's cut-out."""
        try:
            cutout = await self.renderer.cutout_png(
                session.session_id, session.painting_path, session.object_path, state.method
            )
            preview = await self.renderer.render(session.session_id, session.painting_path, session.object_path, state)
        except PreviewError as error:
            raise InvalidImage(str(error)) from error
        options = JobOptions(
            x=state.x,
            y=state.y,
            height=state.height,
            tau=state.tau,
            quality=state.quality,
            likeness=state.likeness,
            seed=state.seed,
        )
        painting = CheckedPicture(session.painting_path)  # checked when the session opened: linked, not copied
        submission = await self.service.submit(requester, painting, cutout, options, context, object_is_cutout=True)
        await self.sessions.add_job(LoopJob(submission.job_id, session.session_id, parent, state), self.clock())
        log.info("session %s queued job %s (parent %s)", session.session_id, submission.job_id, parent)
        estimate = await asyncio.to_thread(paint_seconds, self.service.settings, state, preview.mask)
        return Painting(submission, state, parent, estimate)

    async def _drop(self, session_id: str) -> None:
        """Delete a session and forget its images."""
        self.renderer.forget(session_id)
        await self.sessions.delete(session_id)

    async def _expire_forever(self) -> None:
        """Purge expired sessions every cleanup interval."""
        while True:
            try:
                await self.purge_expired()
            except Exception:
                log.exception("expiring loop sessions failed")
            await asyncio.sleep(self.service.settings.cleanup_interval_s)
