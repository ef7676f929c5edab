"""keep_freed_memory applies on glibc and leaves other C libraries alone."""

import platform

import pytest

from harmonize.freed_memory import keep_freed_memory


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt's settings exist only in glibc")
def test_glibc_takes_the_settings():
    assert keep_freed_memory() is True


def test_without_a_c_library_it_changes_nothing(monkeypatch):
    monkeypatch.setattr("ctypes.util.find_library", lambda name: None)
    assert keep_freed_memory() is False
