"""A stand-in onnxruntime module for the U^2-Net back ends (u2netp, rembg): no model file is run.

Its session answers what a salient-object network would: at U^2-Net's 320x320, the 'logit' of
red pixels (high on a red object on a pale background, low elsewhere) as the first output, d0.
"""

from __future__ import annotations

import importlib.machinery
import types

import cv2
import numpy as np

DISC_RADIUS = 30  # px: the red disc of disc_photo


def disc_photo(centre: tuple[int, int] = (80, 60)) -> np.ndarray:
    """A (120, 160, 3) uint8 photo: a red disc of DISC_RADIUS on a pale background, what the session finds."""
    photo = np.full((120, 160, 3), (200, 220, 235), np.uint8)
    cv2.circle(photo, centre, DISC_RADIUS, (200, 40, 30), -1)
    return photo


class FakeOnnxRuntime:
    """onnxruntime's module API (SessionOptions, InferenceSession); records the models and inputs."""

    def __init__(self) -> None:
        self.module = types.ModuleType("onnxruntime")
        self.module.__spec__ = importlib.machinery.ModuleSpec("onnxruntime", None)  # found by find_spec
        self.module.SessionOptions = types.SimpleNamespace  # type: ignore[attr-defined]
        self.module.InferenceSession = self.session  # type: ignore[attr-defined]
        self.models: list[str] = []
        self.inputs: list[np.ndarray] = []

    def session(self, path: str, sess_options: object, providers: list[str]) -> object:
        """A session on the model file `path`; its run() answers the red pixels of its input."""
        self.models.append(path)
        fake = self

        class Session:
            def get_inputs(self) -> list[types.SimpleNamespace]:
                return [types.SimpleNamespace(name="input.1")]

            def run(self, outputs: None, feed: dict[str, np.ndarray]) -> list[np.ndarray]:
                x = feed["input.1"]
                fake.inputs.append(x)
                red = x[0, 0] - x[0, 2]  # normalised red minus blue: high on the disc only
                return [(red > 1.0).astype(np.float32)[None, None] * 0.9 + 0.05]

        return Session()
