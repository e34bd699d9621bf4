"""Hostile uploads through the CLI: wall time and peak RSS of the whole process tree.

Each case is built on the fly (tests/fakes/hostile_docs.py: kilobytes on disk, whatever
they claim to unpack to), written to a temporary directory and read with
``python -m summarizer FILE`` in a fresh process.  Peak RSS is ``ru_maxrss`` from
``os.wait4`` of that process, which covers it and every worker it waited for; the
outcome is the exit status and the first line of stderr (a traceback shows as one).

    python bench/bench_hostile_docs.py [--timeout 120] [--src DIR] [CASE ...]

``--src`` runs another copy of the code (e.g. a snapshot from before a change).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes import hostile_docs as h  # noqa: E402

_PARA = b"<w:p><w:r><w:t>Revenue rose.</w:t></w:r></w:p>"
_NEST = b"<w:sdt><w:sdtContent>"


_HEAD = h.docx_paragraphs_xml([])[:-22]
_TAIL = b"</w:body></w:document>"


def _paragraphs(xml_bytes: int) -> list[bytes]:
    """Whole paragraphs up to ``xml_bytes``: well-formed XML of that size (as chunks)."""
    chunk = _PARA * 20_000
    body = list(h.repeat_chunks(chunk, xml_bytes - xml_bytes % len(_PARA)))
    return [_HEAD, *body, _TAIL]


def _bloat(xml_bytes: int) -> bytes:
    return h.docx_package(_paragraphs(xml_bytes))


def _lying(real: int, declared: int) -> bytes:
    return h.docx_package(_paragraphs(real), declared_size=declared)


def _deep(depth: int) -> bytes:
    return h.docx_package([_HEAD, _NEST * depth, _TAIL])


def _text_pdf(pages: int) -> bytes:
    """A 30 MB content stream of long strings (under the stream cap) shown by every page."""
    line = b"BT /F1 12 Tf 72 720 Td (" + b"A" * 5000 + b") Tj ET\n"
    return h._pages_pdf(pages, [h._stream(line * 6000)])


def _utf16_zh() -> bytes:
    text = "云帆物流周四发布公告，全年营业收入预期上调。\n公司表示，跨境电商包裹量持续增长。\n" * 20
    return text.encode("utf-16-le")


def _undefined_charset() -> bytes:
    body = "".join(
        f"<p>Cobalt Bank said on Wednesday it would lend more to exporters, report {i}.</p>"
        for i in range(12)
    )
    return (
        '<!doctype html><html><head><meta charset="undefined"><title>Cobalt Bank</title>'
        f"</head><body><article><h1>Cobalt Bank lends more</h1>{body}</article></body></html>"
    ).encode()


CASES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "docx_bloat_20mb": ("bloat.docx", lambda: _bloat(20_000_000)),
    "docx_bloat_100mb": ("bloat100.docx", lambda: _bloat(100_000_000)),
    "docx_honest_190mb": ("big.docx", lambda: _lying(190_000_000, 190_000_000)),
    "docx_lying_zip_2gb": ("lying.docx", lambda: _lying(2_000_000_000, 150_000_000)),
    "docx_deep_nesting": ("deep.docx", lambda: _deep(200_000)),
    "pdf_shared_70mb_x40": ("shared.pdf", lambda: h.pdf_shared_stream(40, 70_000_000)),
    "pdf_shared_30mb_text_x40": ("text.pdf", lambda: _text_pdf(40)),
    "pdf_flate_bomb_300mb": ("bomb.pdf", lambda: h.pdf_huge_stream(300_000_000)),
    "pdf_self_length": ("selflen.pdf", h.pdf_self_length),
    "md_100k_brackets": ("brackets.md", lambda: h.markdown_brackets(100_000)),
    "txt_utf16le_zh_no_bom": ("zh16.txt", _utf16_zh),
    "html_charset_undefined": ("undefined.html", _undefined_charset),
}


def _run(path: Path, src: Path, timeout: float) -> tuple[float, float, str]:
    env = dict(os.environ, PYTHONPATH=str(src))
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "summarizer", str(path)],
        cwd=src,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    assert proc.stderr is not None
    deadline = start + timeout
    status = None
    usage = None
    while status is None:
        pid, status_, usage_ = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            status, usage = status_, usage_
            break
        if time.perf_counter() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            _, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.02)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    assert usage is not None
    if elapsed > timeout:
        outcome = f"KILLED after {timeout:g} s"
    elif "Traceback" in err:
        outcome = "TRACEBACK " + (err.strip().splitlines() or [""])[-1][:90]
    else:
        first = (err.strip().splitlines() or ["ok (digest printed)"])[0]
        outcome = f"exit {proc.returncode}: {first[:110]}"
    return elapsed, usage.ru_maxrss / 1024, outcome


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("cases", nargs="*", help=f"cases to run (default all): {', '.join(CASES)}")
    p.add_argument("--timeout", type=float, default=120.0, help="kill a case after this (s)")
    p.add_argument("--src", type=Path, default=ROOT, help="the code to run (default: this tree)")
    args = p.parse_args()
    names = args.cases or list(CASES)
    print(f"{'case':24} {'file KB':>8} {'time s':>8} {'peak MB':>8}  outcome")
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            filename, build = CASES[name]
            path = Path(tmp) / filename
            path.write_bytes(build())
            size = path.stat().st_size / 1024
            elapsed, peak, outcome = _run(path, args.src.resolve(), args.timeout)
            print(f"{name:24} {size:8.0f} {elapsed:8.2f} {peak:8.0f}  {outcome}", flush=True)
            path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
