"""Tell ``make run`` when a file the API runs has changed, and only then.

``chalice local``'s own reloader stats every file under the project (the
virtualenv and ``node_modules`` included) every second, and restarts on any
write anywhere: bytecode from an admin command, a test's output, a cache. This
one asks the kernel (inotify, through ``watchfiles``, whose Rust core keeps
recursive watches right as directories come and go) for changes under the few
places the API is loaded from, and keeps only the files it loads:

* ``app.py``
* ``chalicelib/**/*.py``
* ``.chalice/*.json`` (the stage config and the IAM policies)

Nothing is polled: an idle tree costs nothing but watchfiles' timer, which
checks its in-memory list of events every ``STEP_MS``.

The watcher threads only put what changed on a queue; the supervisor's main
thread restarts the API, because ``PR_SET_PDEATHSIG`` (see ``lifeline``) is
tied to the thread that forked a child.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

import watchfiles

# A burst (an editor's save, a `git checkout`) is one change when its events
# come less than this apart; watchfiles gives up waiting after DEBOUNCE_MS.
STEP_MS = 100
DEBOUNCE_MS = 1_600


def is_source(relative: str) -> bool:
    """True for a path (relative to the project, ``/``-separated) that the API loads."""
    path = PurePosixPath(relative)
    name = path.name
    # Editors' swap, backup and lock files (.x.py.swp, .#x.py, #x.py#, x.py~)
    # and atomic-save temporaries (x.py___jb_tmp___) end or begin otherwise.
    if name.startswith((".", "#")):
        return False
    parts = path.parts
    if parts == ("app.py",):
        return True
    if parts[:1] == ("chalicelib",):
        return path.suffix == ".py" and "__pycache__" not in parts
    return len(parts) == 2 and parts[0] == ".chalice" and path.suffix == ".json"


class SourceWatcher:
    """Calls ``changed(paths)`` from a thread of its own with the sources that changed.

    ``paths`` are relative to ``root`` and sorted. Call ``stop()`` to end the threads.
    """

    def __init__(self, root: Path, changed: Callable[[list[str]], None]) -> None:
        self.root = root
        self.changed = changed
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        # Two watches because inotify is recursive for all paths or none: the
        # project's top level and .chalice/ flat (only app.py and *.json count
        # there, and build/, .venv/, node_modules/ must not be walked), chalicelib/
        # with every subpackage. app.py is watched through its directory so an
        # editor that saves by renaming a new file over it is still seen.
        flat = [self.root, self.root / ".chalice"]
        deep = [self.root / "chalicelib"]
        for paths, recursive in ((flat, False), (deep, True)):
            thread = threading.Thread(
                target=self._watch,
                args=([p for p in paths if p.is_dir()], recursive),
                name=f"reloader-{'deep' if recursive else 'flat'}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=2 * STEP_MS / 1000 + 1)
        self._threads.clear()

    def _keep(self, change: watchfiles.Change, path: str) -> bool:
        try:
            relative = Path(path).relative_to(self.root).as_posix()
        except ValueError:
            return False
        return is_source(relative)

    def _watch(self, paths: Iterable[Path], recursive: bool) -> None:
        # Signals go to the main thread, which stops the stack; the Rust thread
        # that reads inotify is started from here and inherits this mask.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        for changes in watchfiles.watch(
            *paths,
            watch_filter=self._keep,
            debounce=DEBOUNCE_MS,
            step=STEP_MS,
            stop_event=self._stop,
            recursive=recursive,
            force_polling=False,
            raise_interrupt=False,
        ):
            relative = {Path(path).relative_to(self.root).as_posix() for _, path in changes}
            self.changed(sorted(relative))
