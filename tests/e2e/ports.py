"""Loopback ports for tests."""

from __future__ import annotations

from devstack.stack import free_port


def unused_port() -> int:
    """A loopback port nothing listens on (bound once, then released)."""
    return free_port()
