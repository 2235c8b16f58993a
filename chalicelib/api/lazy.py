"""Views that load on their route's first request, not with the app.

A cold Lambda then builds the views and pydantic models of the one resource
it serves, not those of all four: importing the other three costs 13-19 ms
of every cold start (measured for ``GET /sessions/my-sessions``), and
``tests/unit/test_cold_path.py`` holds the app to it.

This is the one place that defers an import. ``app.py`` names each resource
module twice, side by side: a plain import under ``TYPE_CHECKING``, which is
what mypy, an editor's go-to-definition and grep follow (``people.get_me`` is
the function in ``chalicelib/api/resources/people.py``), and a
:class:`LazyModule` of the same module, which is what runs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

View = Callable[..., Any]


class LazyView:
    """A view named by its module, imported when its route is first served."""

    __slots__ = ("_view", "module", "name")

    def __init__(self, module: str, name: str) -> None:
        self.module = module
        self.name = name
        self._view: View | None = None

    def resolve(self) -> View:
        if self._view is None:
            view: View = getattr(importlib.import_module(self.module), self.name)
            self._view = view
        return self._view


class LazyModule:
    """``LazyModule("pkg.mod").view`` names ``pkg.mod.view`` without importing the module."""

    def __init__(self, module: str) -> None:
        self._module = module

    def __getattr__(self, name: str) -> LazyView:
        if name.startswith("__"):
            raise AttributeError(name)
        return LazyView(self._module, name)
