"""HarmonizeOptions: one schema, validated once, round-tripped through JSON."""

import json

import pytest

from harmonize.options import HarmonizeOptions, OptionsError
from harmonize.presets import PRESETS, preset_options


def test_every_preset_round_trips_through_json():
    for name in PRESETS:
        options = preset_options(name, size=350, tau="auto")
        assert HarmonizeOptions.from_dict(json.loads(json.dumps(options.to_dict()))) == options


def test_missing_keys_take_the_defaults_and_unknown_keys_are_refused():
    assert HarmonizeOptions.from_dict({"size": 400}) == HarmonizeOptions(size=400)
    with pytest.raises(OptionsError, match="sizes"):
        HarmonizeOptions.from_dict({"sizes": 400})


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"size": 10}, "size"),
        ({"size": 700.5}, "whole number"),
        ({"tau": 0}, "tau"),
        ({"tau": float("nan")}, "tau"),
        ({"tau": "strong"}, "tau"),
        ({"iters1": 0}, "iters1"),
        ({"iters2": True}, "iters2"),
        ({"coarse_scale": 0}, "coarse_scale"),
        ({"coarse_scale": 1.5}, "coarse_scale"),
        ({"likeness": -0.1}, "likeness"),
        ({"likeness": 2}, "likeness"),
        ({"colour_match": -0.5}, "colour_match"),
        ({"colour_match": 1.5}, "colour_match"),
        ({"thin_colour": 1.5}, "thin_colour"),
        ({"painted_detail": -0.5}, "painted_detail"),
        ({"palette_contrast": 1.5}, "palette_contrast"),
        ({"narrow_likeness": -0.5}, "narrow_likeness"),
        ({"vote_sigma": -1}, "vote_sigma"),
        ({"vote_sigma": float("nan")}, "vote_sigma"),
        ({"vote_sigma": True}, "vote_sigma"),
        ({"post": "yes"}, "post"),
        ({"coarse_iters2": 5}, "coarse_scale"),
    ],
)
def test_out_of_range_settings_are_refused_in_words(changes, words):
    with pytest.raises(OptionsError, match=words):
        HarmonizeOptions(**changes)


def test_replace_validates_too():
    options = HarmonizeOptions()
    assert options.replace(likeness=0.75).likeness == 0.75 != options.likeness
    with pytest.raises(OptionsError):
        options.replace(size=1)
