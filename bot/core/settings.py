"""The bot's one typed settings object, read from the environment and `.env` (prefix PAINTERLY_)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.core.admin.moderation_policy import Policy
from bot.core.job_queue.limits import Limits
from harmonize.cutout import CutoutSettings
from harmonize.cutout.settings import DEFAULT_CACHE_DIR
from harmonize.imageio import BOMB_PIXELS
from harmonize.options import HarmonizeOptions
from harmonize.presets import PRESETS as ENGINE_PRESETS


class Quality(BaseModel):
    """One quality: named changes to HarmonizeOptions' defaults (size, iters1, iters2,
    post, coarse_scale, ... any of its settings), checked by HarmonizeOptions itself.

    In PAINTERLY_QUALITIES: {"draft": {"size": 350, "iters1": 30, ...}, ...}.
    """

    model_config = ConfigDict(extra="allow", frozen=True)

    def __init__(self, **changes: Any) -> None:
        super().__init__(**changes)

    @model_validator(mode="after")
    def _check(self) -> Quality:
        """Unknown settings and out-of-range values are refused (OptionsError's message)."""
        self.options()
        return self

    def options(self, **changes: Any) -> HarmonizeOptions:
        """This quality's HarmonizeOptions, with `changes` (e.g. the user's tau) on top."""
        return HarmonizeOptions.from_dict({**self.model_dump(), **changes})


DEFAULT_QUALITIES = {
    # the engine's draft and standard presets (harmonize/presets.py): measured on 2 CPU cores in
    # docs/design/performance.md, "One minute on 2 cores"
    "draft": Quality(size=350, **ENGINE_PRESETS["draft"]),
    "standard": Quality(size=700, **ENGINE_PRESETS["standard"]),
    "best": Quality(size=700, iters1=1000, iters2=1000),  # the authors' (docs/algorithm.md §1)
}


class BotSettings(BaseSettings):
    """Everything the bot reads from its environment; see `.env.example` for each key."""

    model_config = SettingsConfigDict(
        env_prefix="PAINTERLY_", env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    discord_token: SecretStr | None = None
    telegram_token: SecretStr | None = None
    remove_bg_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("REMOVE_BG_API_KEY", "PAINTERLY_REMOVE_BG_API_KEY"),
    )
    owners: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # The cut-out's models (docs/design/cutout.md): a u2net.onnx on disk for the rembg method, and
    # the folder downloaded models go to.
    rembg_model: Path | None = None
    cache_dir: Path | None = None  # None: ~/.cache/painterly

    database_path: Path = Path("painterly-bot.sqlite3")
    storage_dir: Path = Path("painterly-bot-data")
    result_retention_hours: float = Field(default=24.0, gt=0)
    cleanup_interval_s: float = Field(default=300.0, gt=0)

    # The chat loop (docs/buttons.md): uploads kept this long after a preview's last use, so its
    # buttons work without sending the pictures again; preview_first false queues at once.
    session_hours: float = Field(default=24.0, gt=0)
    preview_first: bool = True
    max_image_bytes: int = Field(default=10_000_000, gt=0)
    max_image_pixels: int = Field(default=BOMB_PIXELS, gt=0)  # above: refused; big photos are downsampled
    decode_memory_mb: int = Field(default=768, gt=0)  # uploads decoded at once stay within it (decode_gate.py)
    # Previews (preview_limits.py): opened per user and hour, and bytes of pictures a user's live previews keep.
    user_previews_per_hour: int = Field(default=20, ge=0)
    user_preview_bytes: int = Field(default=200_000_000, ge=0)

    # The picture check (docs/design/moderation.md): what a flagged picture gets where no admin
    # chose (Discord's policy allows adult content only in age-restricted channels), and the
    # open_nsfw score from which a picture is flagged.
    discord_moderation: Policy = Policy.AGE_RESTRICTED
    telegram_moderation: Policy = Policy.SPOILER
    picture_threshold: float = Field(default=0.5, gt=0, le=1)

    user_jobs_per_hour: int = Field(default=5, ge=0)
    user_jobs_per_day: int = Field(default=20, ge=0)
    user_concurrent_jobs: int = Field(default=2, ge=0)
    chat_jobs_per_hour: int = Field(default=30, ge=0)
    chat_jobs_per_day: int = Field(default=100, ge=0)
    chat_concurrent_jobs: int = Field(default=5, ge=0)
    queue_cap: int = Field(default=50, ge=0)

    engine: str = "bot.core.running.harmonizer_engine:HarmonizerEngine"  # MODULE:NAME
    device: str = "auto"
    workers: int = Field(default=1, ge=1)
    job_timeout_s: float = Field(default=3600.0, gt=0)
    # A worker's start loads the network and the cut-out model: seconds on a quiet machine, a
    # minute or more on a loaded CPU. Past this it is taken as hung, killed and started again.
    worker_start_timeout_s: float = Field(default=300.0, gt=0)
    max_attempts: int = Field(default=2, ge=1)
    job_lease_s: float = Field(default=30.0, gt=0)  # see bot.core.job_queue.job_lifecycle
    progress_interval_s: float = Field(default=3.0, ge=0)
    # The keys' earlier names (PAINTERLY_PRESETS, PAINTERLY_DEFAULT_PRESET) are still read, so that an
    # existing .env keeps working.
    qualities: dict[str, Quality] = Field(
        default_factory=lambda: dict(DEFAULT_QUALITIES),
        validation_alias=AliasChoices("PAINTERLY_QUALITIES", "PAINTERLY_PRESETS"),
    )
    default_quality: str = Field(
        default="standard", validation_alias=AliasChoices("PAINTERLY_DEFAULT_QUALITY", "PAINTERLY_DEFAULT_PRESET")
    )

    # Scale-out (docs/scale-out.md): "local" runs jobs in this process's worker pool; "redis"
    # sends them through Redis to `python -m bot.scale.worker` processes on any machine.
    queue_backend: Literal["local", "redis"] = "local"
    redis_url: SecretStr = SecretStr("redis://localhost:6379/0")  # may hold a password
    redis_queue: str = Field(default="painterly", pattern=r"^[A-Za-z0-9_.-]+$")
    redis_lease_s: float = Field(default=15.0, gt=0)

    @field_validator("owners", mode="before")
    @classmethod
    def _split_owners(cls, value: object) -> object:
        """Accept "discord:1,telegram:2" as well as a list."""
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("owners")
    @classmethod
    def _check_owners(cls, value: list[str]) -> list[str]:
        """Every owner must read PLATFORM:USER_ID."""
        for item in value:
            if ":" not in item:
                raise ValueError(f"owner {item!r} must read PLATFORM:USER_ID, e.g. discord:1234")
        return value

    @field_validator("engine")
    @classmethod
    def _check_engine(cls, value: str) -> str:
        """The engine is a dotted path MODULE:FUNCTION."""
        if value.count(":") != 1:
            raise ValueError(f"engine {value!r} must read MODULE:FUNCTION")
        return value

    @model_validator(mode="after")
    def _check_default_quality(self) -> BotSettings:
        """The default quality must be one of the qualities."""
        if self.default_quality not in self.qualities:
            raise ValueError(f"default_quality {self.default_quality!r} is not one of {sorted(self.qualities)}")
        return self

    def cutout_settings(self) -> CutoutSettings:
        """What the cut-out needs of these settings: the remove.bg key, rembg's model, the model cache."""
        key = self.remove_bg_api_key.get_secret_value() if self.remove_bg_api_key else None
        return CutoutSettings(key or None, self.rembg_model, self.cache_dir or DEFAULT_CACHE_DIR)

    def default_limits(self) -> Limits:
        """The limits from settings, before any change an admin stored in the database."""
        return Limits(**{name: getattr(self, name) for name in Limits.names()})
