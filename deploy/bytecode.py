"""Finish the Lambda zip that ``chalice package`` made: bytecode in, dead weight out.

Lambda runs the code from a read-only ``/var/task``: without ``__pycache__``
in the zip, every cold start compiles every module it imports and cannot keep
the result (the benchmark measured that as about 90 ms of a 200 ms start). The
bytecode is written in the unchecked-hash form (PEP 552), so Python trusts it
without comparing timestamps, which the zip does not keep anyway; the zip's
own sources are what it was compiled from. Stray ``__pycache__`` entries from
a developer's tree are dropped.

The zip must stay under 10 MB, so two kinds of dead weight go: the Python
packages that are packaged but never imported (:data:`NEVER_IMPORTED`), and
the debugging symbols of compiled extensions that ship with them
(cryptography's Rust extension is 14 MB, 2.9 MB of it symbols; ``strip
--strip-unneeded`` keeps everything the dynamic loader uses, as AWS SAM's and
serverless-python-requirements' slim builds do).

``python -m deploy.bytecode build/package/deployment.zip build/package/sam.json``
"""

from __future__ import annotations

import json
import py_compile
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

# Where Lambda unpacks the zip: what tracebacks name.
TASK_ROOT = "/var/task"
# Packaged by their dependents, but their Python never runs, so they are left
# out: cryptography needs only cffi's compiled backend, not cffi's or
# pycparser's Python, which build bindings; pydantic.v1 is the pydantic 1 API
# this code does not use. tests/unit/test_deploy.py checks that a cold request,
# a token's verification and the jobs import none of them.
NEVER_IMPORTED = ("cffi/", "pycparser/", "pydantic/v1/")
ELF_MAGIC = b"\x7fELF"


def runtimes(template: dict[str, Any]) -> set[str]:
    """The Python runtimes of the template's functions, e.g. ``{"python3.13"}``."""
    return {
        resource["Properties"]["Runtime"]
        for resource in template.get("Resources", {}).values()
        if resource.get("Type") == "AWS::Serverless::Function"
    }


def pyc_name(source: str, cache_tag: str) -> str:
    """``pkg/mod.py`` → ``pkg/__pycache__/mod.<cache_tag>.pyc``."""
    path = PurePosixPath(source)
    return str(path.parent / "__pycache__" / f"{path.stem}.{cache_tag}.pyc")


def unchecked_pyc(source: bytes, name: str) -> bytes:
    """The bytecode file for ``source`` that the importer loads without checking it.

    Raises:
        py_compile.PyCompileError: ``source`` is not valid Python.
    """
    with tempfile.TemporaryDirectory(prefix="bytecode-") as work:
        src, pyc = Path(work) / "module.py", Path(work) / "module.pyc"
        src.write_bytes(source)
        py_compile.compile(
            str(src),
            cfile=str(pyc),
            dfile=f"{TASK_ROOT}/{name}",
            doraise=True,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )
        return pyc.read_bytes()


def stripped(binary: bytes, strip: str | None = None) -> bytes:
    """``binary`` (a shared object) without the symbols only a debugger reads.

    Unchanged when it is not ELF or when no ``strip`` is installed (the zip-size
    test then says whether that matters).
    """
    strip = strip or shutil.which("strip")
    if strip is None or not binary.startswith(ELF_MAGIC):
        return binary
    with tempfile.TemporaryDirectory(prefix="strip-") as work:
        path = Path(work) / "library.so"
        path.write_bytes(binary)
        subprocess.run([strip, "--strip-unneeded", str(path)], check=True)  # noqa: S603 - our own file
        return path.read_bytes()


def add_bytecode(zip_path: Path, runtime: str) -> tuple[int, int]:
    """Rewrite ``zip_path`` with bytecode for each ``.py``, without never-imported
    packages and with stripped shared objects; (modules compiled, bytes after)."""
    expected = f"python{sys.version_info.major}.{sys.version_info.minor}"
    if runtime != expected:
        raise SystemExit(f"the functions run {runtime}; bytecode from {expected} would be ignored")
    cache_tag = sys.implementation.cache_tag
    staged = zip_path.with_suffix(".tmp")
    compiled = 0
    # The tightest deflate: the zip is built once per deployment and must stay under 10 MB.
    packed = {"compress_type": zipfile.ZIP_DEFLATED, "compresslevel": 9}
    with zipfile.ZipFile(zip_path) as src, zipfile.ZipFile(staged, "w") as out:
        for info in src.infolist():
            if "__pycache__/" in info.filename or info.filename.startswith(NEVER_IMPORTED):
                continue
            data = src.read(info)
            if info.filename.endswith(".so"):
                data = stripped(data)
            out.writestr(info, data, **packed)
            if not info.filename.endswith(".py"):
                continue
            try:
                pyc = unchecked_pyc(data, info.filename)
            except py_compile.PyCompileError:
                continue  # e.g. a template file named .py; Python would fail on it too
            entry = zipfile.ZipInfo(pyc_name(info.filename, cache_tag), info.date_time)
            entry.external_attr = info.external_attr
            out.writestr(entry, pyc, **packed)
            compiled += 1
    staged.replace(zip_path)
    return compiled, zip_path.stat().st_size


def main(argv: list[str]) -> int:
    zip_path, template_path = Path(argv[0]), Path(argv[1])
    found = runtimes(json.loads(template_path.read_text()))
    if len(found) != 1:
        raise SystemExit(f"expected one Python runtime in {template_path}, found {sorted(found)}")
    compiled, size = add_bytecode(zip_path, found.pop())
    print(f"bytecode: {compiled} modules compiled into {zip_path} ({size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
