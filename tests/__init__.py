"""Tests, laid out as the packages they test (tests/harmonize, tests/bot); helpers in tests/support."""
