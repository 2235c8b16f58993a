"""Children of ``make run`` die with it, however it dies.

Each child runs in a session of its own (so a terminal's Ctrl-C reaches only
the supervisor, which then stops them in order), which also means nothing
kills them when the supervisor itself is killed. ``bind()`` asks Linux to send
the child a signal when its parent dies (``PR_SET_PDEATHSIG``), and closes the
race in which the parent died before the request was made.

The supervisor passes its pid in ``DEVSTACK_PARENT_PID``; a process started
any other way (by hand, by a test) is left alone.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PARENT_ENV = "DEVSTACK_PARENT_PID"
_PR_SET_PDEATHSIG = 1


def bind(sig: int = signal.SIGTERM) -> None:
    """Receive ``sig`` when the supervisor named in the environment dies.

    PR_SET_PDEATHSIG fires when the *thread* that forked this process exits,
    so the supervisor must start its children from its main thread.
    """
    expected = os.environ.get(PARENT_ENV)
    if not expected or not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != int(expected):
        # The supervisor died before the line above took effect.
        os._exit(1)
