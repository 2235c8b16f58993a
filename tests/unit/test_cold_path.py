"""What a cold Lambda loads: guards for the cold-start work measured in ``bench/``.

Each check runs in a fresh interpreter, since this test process has long since
imported everything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from chalicelib.api.http import contract_of
from chalicelib.api.lazy import LazyModule, LazyView

ROOT = Path(__file__).resolve().parents[2]

_PROBE = """
import gc, json, sys
import app
loaded = set(sys.modules)
out = {"gc": gc.isenabled(), "frozen": gc.get_freeze_count()}
out["loaded"] = sorted(m for m in loaded if m.split(".")[0] in %r)
print(json.dumps(out))
"""

HEAVY = ("boto3", "s3transfer", "aws_lambda_powertools", "jwt", "cryptography")


def _probe() -> dict[str, object]:
    env = {**os.environ, "STAGE": "prod", "AUTH_JWKS_URL": "https://idp.example/jwks.json"}
    env.update({"AUTH_ISSUER": "https://idp.example", "AUTH_AUDIENCE": "web-client"})
    env.pop("AUTH_JWT_SECRET", None)
    done = subprocess.run(
        [sys.executable, "-c", _PROBE % ((*HEAVY, "chalicelib"),)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


@pytest.fixture(scope="module")
def cold() -> dict[str, object]:
    return _probe()


def test_importing_the_app_loads_no_resource_and_nothing_heavy(cold: dict[str, object]) -> None:
    loaded = cold["loaded"]
    assert isinstance(loaded, list)
    assert not [m for m in loaded if m.split(".")[0] in HEAVY], loaded
    # Views and models of a resource load with its first request, not with the app.
    assert not [m for m in loaded if m.startswith("chalicelib.api.resources.")], loaded
    assert "chalicelib.jobs" not in loaded
    assert "chalicelib.api.tokens" not in loaded  # the authorizer's, on its first token


def test_the_collector_is_back_on_with_the_start_up_objects_frozen(
    cold: dict[str, object],
) -> None:
    assert cold["gc"] is True
    frozen = cold["frozen"]
    assert isinstance(frozen, int)
    assert frozen > 10_000


def test_every_route_names_a_view_that_exists_with_its_contract() -> None:
    import app

    for spec in app.routes.specs:
        view = spec.resolve()
        assert callable(view), spec.path
        if isinstance(spec.view, LazyView):
            assert contract_of(view).response is not None, spec.path
            # The name that runs is the function mypy and readers see in app.py.
            assert (view.__module__, view.__name__) == (spec.view.module, spec.view.name)


def test_a_lazy_name_is_checked_when_resolved_not_when_named() -> None:
    typo = LazyModule("chalicelib.api.resources.sessions").no_such_view
    with pytest.raises(AttributeError):
        typo.resolve()
    with pytest.raises(AttributeError):
        _ = LazyModule("x").__wrapped__  # dunders are never views (copy, inspect, pickle)
