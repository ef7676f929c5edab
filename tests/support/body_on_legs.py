"""A test object with thin parts: a square body on two legs, for the structure hold and the painted detail."""

from __future__ import annotations

import numpy as np


def body_on_legs() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A 200x200 mask: a 60x60 body on two 4-px legs; the legs and the body's core as masks."""
    mask = np.zeros((200, 200), np.float32)
    mask[40:100, 70:130] = 1.0
    legs = np.zeros_like(mask, dtype=bool)
    legs[100:160, 80:84] = legs[100:160, 116:120] = True
    mask[legs] = 1.0
    core = np.zeros_like(legs)
    core[50:90, 80:120] = True
    return mask, legs, core
