"""Helpers tests import: local stand-ins of the platforms, fake engines, builders, images."""
