"""Run a parser that cannot be bounded from outside in a worker process with hard limits.

pypdf (PDF) and trafilatura/lxml (HTML) do all their work inside one call: a content
stream shared by 40 pages, a flate bomb or a pathological page costs minutes and
gigabytes before anything could stop it.  So those files are read by
``python -m reader.isolate`` worker processes that limit their own address space
(``RLIMIT_AS``) before importing the parsers, and the parent kills a worker that has not
answered within :data:`~reader.limits.WORKER_TIMEOUT_S`.  Every way a worker can fail
maps to :class:`UnsupportedInputError` (``too_complex`` for time and memory, ``corrupt``
for a parser crash), never a traceback.  The bot calls this from a thread, so its event
loop only ever waits on a pipe.

Workers are kept and reused (importing a parser costs a few hundred milliseconds; a
link should not pay it each time): at most :data:`~reader.limits.MAX_WORKERS` at once, each
retired after :data:`MAX_JOBS` files or after any file that ran it out of time or
memory, so one hostile file never leaves a damaged parser behind for the next.

Protocol, per file: one JSON header line (kind, size) then ``size`` bytes on the
worker's stdin; one JSON line on its stdout (``{"doc": ...}`` or ``{"error": ...}``).
JSON, not pickle: the parent never unpickles what a hostile file's parse produced.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import selectors
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from reader.limits import MAX_WORKERS, WORKER_MEMORY_BYTES, WORKER_TIMEOUT_S, Document
from summarizer.errors import NotArticleError, UnsupportedInputError

__all__ = ["MAX_JOBS", "read_in_worker", "stop_workers"]

log = logging.getLogger(__name__)

_SLOTS = threading.BoundedSemaphore(MAX_WORKERS)
_ENV_KEPT = frozenset(
    {"PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "VIRTUAL_ENV", "PYTHONHASHSEED"}
)
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[1])


def _too_complex(why: str) -> UnsupportedInputError:
    return UnsupportedInputError("too_complex", f"the file is too complex to read: {why}")


#: Files one worker reads before it is replaced (bounds what a long-lived parser leaks).
MAX_JOBS = 200


class _Worker:
    """One warm ``python -m reader.isolate`` process with its own memory limit."""

    def __init__(self, memory: int) -> None:
        # the child gets only what Python needs: no bot token for a parser exploit to read
        env = {k: v for k, v in os.environ.items() if k in _ENV_KEPT}
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (_PACKAGE_ROOT, os.environ.get("PYTHONPATH")) if p
        )
        self.memory = memory
        self.jobs = 0
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "reader.isolate"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        self._send(json.dumps({"memory": memory}).encode() + b"\n")

    def _send(self, chunk: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(chunk)
        self.proc.stdin.flush()

    def read(self, kind: str, data: bytes, timeout: float) -> dict[str, Any] | None:
        """The worker's answer for one file; None when it died; TimeoutError when late."""
        deadline = time.monotonic() + timeout
        self.jobs += 1
        try:
            self._send(json.dumps({"kind": kind, "size": len(data)}).encode() + b"\n" + data)
        except OSError:  # it died (out of memory at start-up, killed)
            return None
        line = self._read_line(deadline)
        try:
            answer = json.loads(line) if line else None
        except ValueError:
            answer = None
        return answer if isinstance(answer, dict) else None

    def _read_line(self, deadline: float) -> bytes:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        chunks: list[bytes] = []
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    raise TimeoutError
                chunk = os.read(fd, 1 << 20)
                if not chunk:  # end of file: the worker is gone
                    return b""
                chunks.append(chunk)
                if chunk.endswith(b"\n"):
                    return b"".join(chunks)

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()


_idle: list[_Worker] = []
_idle_lock = threading.Lock()


def _take(memory: int) -> _Worker:
    with _idle_lock:
        for i, worker in enumerate(_idle):
            if worker.memory == memory and worker.proc.poll() is None:
                return _idle.pop(i)
    return _Worker(memory)


def _give_back(worker: _Worker) -> None:
    with _idle_lock:
        _idle.append(worker)


@atexit.register
def stop_workers() -> None:
    """Stop the idle workers (at exit; tests may call it)."""
    with _idle_lock:
        workers, _idle[:] = list(_idle), []
    for worker in workers:
        worker.stop()


def read_in_worker(
    kind: str,
    data: bytes,
    *,
    timeout: float = WORKER_TIMEOUT_S,
    memory: int = WORKER_MEMORY_BYTES,
) -> Document:
    """Read ``data`` as ``kind`` ("pdf", "html") in a limited worker process.

    Raises :class:`UnsupportedInputError` (the reader's own reasons, or
    ``too_complex`` when the worker ran out of time or memory) and
    :class:`NotArticleError` (an HTML file that is not an article).
    """
    with _SLOTS:
        try:
            worker = _take(memory)
        except OSError as exc:  # no interpreter to start (fork refused, out of processes)
            log.warning("%s worker could not start: %s", kind, exc)
            raise _too_complex("the reader could not start") from exc
        try:
            answer = worker.read(kind, data, timeout)
        except TimeoutError as exc:
            worker.stop()
            raise _too_complex(f"reading it took over {timeout:g} s") from exc
        if answer is None or answer.get("retire") or worker.jobs >= MAX_JOBS:
            worker.stop()
        else:
            _give_back(worker)
    if answer is None:
        log.info("%s worker stopped with exit status %s", kind, worker.proc.returncode)
        raise _too_complex(f"the reader stopped (exit status {worker.proc.returncode})")
    log.debug("%s worker peaks (kB): %s", kind, answer.get("peak"))
    return _result(answer)


def _result(answer: dict[str, Any]) -> Document:
    if "doc" in answer:
        d = answer["doc"]
        return Document(d["title"], d["text"], d["kind"], d["encoding"])
    error = answer.get("error") or {}
    if error.get("type") == "not_article":
        raise NotArticleError(error["reason"], error["message"])
    raise UnsupportedInputError(error.get("reason", "corrupt"), error.get("message", "unreadable"))


# --------------------------------------------------------------------------- the child


def _limit_self(memory: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))


def _answer(kind: str, data: bytes) -> dict[str, Any]:
    from reader.documents import read_inline

    try:
        doc = read_inline(kind, data)  # type: ignore[arg-type]
    except UnsupportedInputError as exc:
        return {"error": {"type": "unsupported", "reason": exc.reason, "message": str(exc)}}
    except NotArticleError as exc:
        return {"error": {"type": "not_article", "reason": exc.reason, "message": str(exc)}}
    except MemoryError:
        return {
            "error": {"reason": "too_complex", "message": "the file needs too much memory"},
            "retire": True,  # a parser that ran out of memory is not trusted with the next file
        }
    except RecursionError:
        return {"error": {"reason": "corrupt", "message": "the file refers to itself endlessly"}}
    except Exception as exc:  # a parser's bug on a hostile file: the file is unreadable
        return {"error": {"reason": "corrupt", "message": f"the file is damaged ({type(exc)})"}}
    return {
        "doc": {"title": doc.title, "text": doc.text, "kind": doc.kind, "encoding": doc.encoding}
    }


def _peak_kb() -> dict[str, int]:
    """The child's own peaks (``VmHWM`` RSS, ``VmPeak`` address space), for logs and bench."""
    peaks: dict[str, int] = {}
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                key, _, value = line.partition(":")
                if key in ("VmHWM", "VmPeak"):
                    peaks[key] = int(value.split()[0])
    except (OSError, ValueError):
        pass
    return peaks


def _child() -> int:
    import logging
    import warnings

    stdin = sys.stdin.buffer
    header = json.loads(stdin.readline())
    _limit_self(int(header["memory"]))
    logging.disable(logging.CRITICAL)  # pypdf logs a line per oddity: megabytes for a bomb
    warnings.simplefilter("ignore")
    # no warm-up: a worker starts when a file is waiting for it, and importing the parser
    # that file does not need (pypdf ~0.5 s of CPU, trafilatura ~0.3 s) would only delay it;
    # each parser is imported once, by the first file of its kind
    while line := stdin.readline():
        job = json.loads(line)
        data = stdin.read(int(job["size"]))
        answer = _answer(str(job["kind"]), data)
        del data
        answer["peak"] = _peak_kb()
        # ensure_ascii: lone surrogates a parser let through cannot break the pipe's encoding
        sys.stdout.write(json.dumps(answer, ensure_ascii=True) + "\n")
        sys.stdout.flush()
        if answer.get("retire"):
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(_child())
