"""Turning photographs of paper into clean pages: pure functions over images (no device, no Qt)."""
