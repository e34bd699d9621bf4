"""``python -m summarizer`` for tests: in this process (fast) or as a real child (the wiring).

Starting the CLI costs a second or more (interpreter, jieba's dictionary, a
parser worker importing trafilatura), so the error and format cases call
:func:`summarizer.__main__.main` here with the arguments and environment a
user would give, and read its exit status and output the same way; a few
tests still run :func:`run_child` to prove the module runs from outside.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from summarizer.__main__ import main

__all__ = ["CliResult", "run_child", "run_cli"]

ROOT = Path(__file__).resolve().parents[2]
#: Settings the CLI reads from the environment; each test states its own.
_CLI_SETTINGS = ("FETCH_ALLOW_PRIVATE_NETWORKS",)


@dataclass(frozen=True, slots=True)
class CliResult:
    """What a shell would see: the exit status, stdout and stderr."""

    returncode: int
    stdout: str
    stderr: str


@contextlib.contextmanager
def _environment(settings: Mapping[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in (*_CLI_SETTINGS, *settings)}
    for key in _CLI_SETTINGS:
        os.environ.pop(key, None)
    os.environ.update(settings)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_cli(*args: str, env: Mapping[str, str] | None = None) -> CliResult:
    """``python -m summarizer ARGS`` with ``env`` added to the environment, in this process."""
    out, err = io.StringIO(), io.StringIO()
    with (
        _environment(env or {}),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        status = main(list(args))
    return CliResult(status, out.getvalue(), err.getvalue())


def run_child(*args: str, env: Mapping[str, str] | None = None, timeout: float = 60) -> CliResult:
    """``python -m summarizer ARGS`` as a child process, from the repository root."""
    child_env = {k: v for k, v in os.environ.items() if k not in _CLI_SETTINGS}
    child_env |= {"PYTHONIOENCODING": "utf-8", **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "summarizer", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env=child_env,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)
