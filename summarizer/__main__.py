"""Command line: ``python -m summarizer [FILE|URL|-]`` (also installed as ``zhaiyao``).

- ``FILE``, ``URL``, ``-`` or piped stdin: print a readable digest; ``--json``
  prints the Digest as JSON.  With no argument and nothing piped in (stdin a
  terminal or ``/dev/null``) the bundled example is summarized, and a first
  line on stderr says so, so stdout stays the digest alone.
- ``--jsonl``: the batch protocol of the shared eval harness.  Reads
  ``{"id", "text", "sentences"}`` lines on stdin and writes one
  ``{"id", "sentences": [...], ...}`` line per input, in one process, as each
  is done (flushed line by line, so a reader sees progress and an interrupted
  run leaves only whole lines).  The returned sentences are the digest's
  sentences exactly as the bot shows them with default settings (the
  requested count is only a hint).  A line that cannot be served (bad JSON,
  not an object, no text) gets ``{"id", "sentences": [], "error"}`` and the
  batch goes on.

Exit status: 0 done, 1 the input could not be read or summarized (one line on
stderr, never a traceback), 2 bad arguments, 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import FrameType
from typing import IO, Any

__all__ = ["EXAMPLE", "main"]

EXAMPLE = Path(__file__).with_name("examples") / "zh_hant_retail.txt"
#: Exit status of a run stopped by Ctrl-C (128 + SIGINT), as shells report it.
EXIT_INTERRUPTED = 130
#: Piped input beyond this is not read (the document extractor refuses it anyway).
_STDIN_LIMIT = 64 * 1024 * 1024
_SURROGATE = re.compile("[\ud800-\udfff]")


def _positive(value: str) -> int:
    """argparse type: a whole number ≥ 1 (0 sentences or a negative budget make no digest)."""
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {n}")
    return n


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m summarizer",
        description="Summarize a Chinese or English business article (extractive, offline).",
    )
    p.add_argument(
        "source",
        nargs="?",
        help="an http(s) URL, a document (.txt in any common encoding, .html, .md, .pdf, "
        ".docx), or '-' for stdin (default: stdin when something is piped in, else the "
        "bundled example article)",
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--json", action="store_true", help="print the digest as JSON")
    mode.add_argument("--jsonl", action="store_true", help="batch mode: the eval JSONL protocol")
    p.add_argument(
        "--max-sentences", type=_positive, default=None, help="sentences in the digest (3)"
    )
    p.add_argument(
        "--max-length",
        type=_positive,
        default=None,
        help="length budget in Han characters / English words (150 zh, 60 en)",
    )
    return p


class _SourceError(Exception):
    """A link or document that cannot be read: one line on stderr, exit status 1."""


def _fetch(url: str) -> tuple[str, str | None]:
    """The CLI's one network access: a link's article via the reader's guarded fetcher."""
    import asyncio

    from reader.errors import FetchError, SettingError
    from reader.fetch import fetch_url
    from reader.settings import allow_private_networks

    try:
        allow_private = allow_private_networks(os.environ)
        fetched = asyncio.run(fetch_url(url, allow_private=allow_private))
    except SettingError as exc:
        raise _SourceError(str(exc)) from exc
    except FetchError as exc:
        raise _SourceError(f"cannot summarize the link ({exc.reason}): {exc}") from exc
    return fetched.text, fetched.title


def _stdin_is_piped(stdin: IO[str] | None) -> bool:
    """Whether stdin carries data: a pipe, a socket or a redirected file.

    A terminal, ``/dev/null`` (cron, CI, ``subprocess`` with ``DEVNULL``) or a
    closed stdin is not input, so the bare command still shows the example.
    """
    if stdin is None:
        return False
    try:
        if stdin.isatty():
            return False
        mode = os.fstat(stdin.fileno()).st_mode
    except (OSError, ValueError):  # no real file descriptor (embedded, closed)
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISREG(mode) or stat.S_ISSOCK(mode)


def _read_document(data: bytes, name: str, label: str) -> tuple[str, str | None]:
    """A document's (text, title), by extension or, without one, by its first bytes."""
    from reader.documents import SUPPORTED_EXTENSIONS, extract_document, kind_for
    from summarizer.errors import SummarizerError

    suffix = Path(name).suffix
    # a document type by extension, or no extension (sniffed); anything else as text
    known = kind_for(name) is not None or not suffix
    try:
        doc = extract_document(data, name if known else name + ".txt")
    except SummarizerError as exc:
        why = str(exc)
        if not known and getattr(exc, "reason", None) == "binary":
            why = f"not a text file; supported: {', '.join(SUPPORTED_EXTENSIONS)}"
        raise _SourceError(f"cannot read {label}: {why}") from exc
    return doc.text, doc.title


def _read_stdin() -> tuple[str, str | None]:
    """Piped input, decoded like a file (GBK, Big5, UTF-16 … and HTML/PDF sniffed)."""
    stream = getattr(sys.stdin, "buffer", None)
    data = stream.read(_STDIN_LIMIT + 1) if stream is not None else sys.stdin.read().encode()
    if not data.strip():
        raise _SourceError("stdin is empty: pipe an article in, or name a file or link")
    return _read_document(data, "stdin", "stdin")


def _read_source(source: str | None) -> tuple[str, str | None]:
    """(text, title) of the example, stdin, a link, or a file (any supported document)."""
    if source is None:
        return EXAMPLE.read_text(encoding="utf-8"), None
    if source == "-":
        return _read_stdin()
    scheme, sep, _ = source.partition("://")
    if sep and scheme.isascii() and scheme.isalpha():  # a link (ftp:// etc. get a clear refusal)
        return _fetch(source)
    path = Path(source)
    data = path.read_bytes()  # OSError: the caller answers "cannot read" with status 2
    return _read_document(data, path.name, source)


def _options(args: argparse.Namespace) -> dict[str, Any]:
    opts: dict[str, Any] = {}
    if args.max_sentences is not None:
        opts["max_sentences"] = args.max_sentences
    if args.max_length is not None:
        opts["max_length"] = args.max_length
    return opts


def _unit(language: str) -> str:
    """The footer's unit, as the bot's footer counts it: words for English, else 字."""
    return "words" if language == "en" else "字"


def _render_plain(digest: Any) -> str:
    lines: list[str] = []
    if digest.title:
        lines += [digest.title, ""]
    lines += list(digest.sentences)
    if digest.key_points:
        lines.append("")
        lines += [f"{i}. {p}" for i, p in enumerate(digest.key_points, 1)]
    if digest.tags:
        lines += ["", " ".join(digest.hashtags)]
    st = digest.stats
    unit = _unit(digest.language)
    lines += ["", f"[{digest.language}] {st.input_length} {unit} → {st.digest_length} {unit}"]
    return "\n".join(lines)


def _clean(s: str) -> str:
    """``s`` with lone surrogates (from ``"\\ud800"`` escapes) replaced: UTF-8 cannot hold them."""
    return _SURROGATE.sub("\ufffd", s)


def _progress(items: Iterable[str], stream: IO[str]) -> Iterable[str]:
    if not stream.isatty():
        return items
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is a dependency
        return items
    return tqdm(items, file=stream, unit="art", desc="summarizing")


def _lines(stream: IO[bytes]) -> Iterator[str]:
    """stdin's lines as they arrive, split on ``\\n`` only (U+2028 may sit inside a string)."""
    for n, raw in enumerate(stream):
        if n == 0:
            raw = raw.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 BOM before the first record
        yield raw.decode("utf-8", errors="surrogateescape")


def _record(n: int, line: str, opts: dict[str, Any]) -> dict[str, Any]:
    """The answer to one request line; never raises (an error record instead)."""
    from summarizer import SummarizerError, summarize

    def error(rid: str, why: str) -> dict[str, Any]:
        return {"id": rid, "sentences": [], "error": why}

    try:
        line.encode("utf-8")  # bytes that are not UTF-8 arrive surrogate-escaped
    except UnicodeEncodeError:
        return error(str(n), "bad JSON: the line is not valid UTF-8")
    try:
        req = json.loads(line)
    except json.JSONDecodeError as exc:
        return error(str(n), f"bad JSON: {exc.msg}")
    except RecursionError:
        return error(str(n), "bad JSON: nested too deeply")
    if not isinstance(req, dict):
        return error(str(n), f"bad request: a JSON object was expected, not {type(req).__name__}")
    rid = str(req.get("id", n))
    text = req.get("text", "")
    if not isinstance(text, str):
        return error(rid, f'bad request: "text" must be a string, not {type(text).__name__}')
    try:
        d = summarize(text, **opts)
    except SummarizerError as exc:
        return error(rid, str(exc))
    except Exception as exc:  # one bad article must not end the batch
        return error(rid, f"internal error: {type(exc).__name__}: {exc}")
    return {
        "id": rid,
        "sentences": list(d.sentences),
        "title": d.title,
        "key_points": list(d.key_points),
        "tags": list(d.tags),
        "language": d.language,
    }


def _jsonl(lines: Iterable[str], opts: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for n, line in enumerate(lines):
        if line.strip():
            yield _record(n, line, opts)


class _Interrupts:
    """SIGINT → KeyboardInterrupt, except while a line is being written: then after it.

    So Ctrl-C stops a batch at once (even while it waits for input) and every
    line already on stdout is whole.
    """

    def __init__(self) -> None:
        self.writing = False
        self.pending = False
        self._saved: Any = None

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.writing:
            self.pending = True
        else:
            raise KeyboardInterrupt

    def __enter__(self) -> _Interrupts:
        try:
            self._saved = signal.signal(signal.SIGINT, self._handle)
        except ValueError:  # not the main thread: leave signals alone
            self._saved = None
        return self

    def __exit__(self, *exc: object) -> None:
        if self._saved is not None:
            signal.signal(signal.SIGINT, self._saved)

    def write_line(self, out: IO[str], line: str) -> None:
        self.writing = True
        try:
            out.write(line + "\n")
            out.flush()
        finally:
            self.writing = False
        if self.pending:
            raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    try:
        with _Interrupts() as interrupts:
            return _main(argv, interrupts)
    except KeyboardInterrupt:  # Ctrl-C: stop quietly; what was written is whole
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. piped into `head`: the reader left, nothing to report
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _main(argv: list[str] | None, interrupts: _Interrupts) -> int:
    args = _parser().parse_args(argv)
    opts = _options(args)
    if args.jsonl:
        lines = _lines(sys.stdin.buffer)
        for rec in _jsonl(_progress(lines, sys.stderr), opts):
            interrupts.write_line(sys.stdout, _clean(json.dumps(rec, ensure_ascii=False)))
        return 0

    source = args.source
    if source is None and _stdin_is_piped(sys.stdin):
        source = "-"
    try:
        return _summarize_one(source, args, opts, interrupts)
    except (KeyboardInterrupt, BrokenPipeError):
        raise
    except Exception as exc:  # last resort: a bug must still end in one line, not a traceback
        print(
            f"error: unexpected failure ({type(exc).__name__}: {exc}); please report it",
            file=sys.stderr,
        )
        return 1


def _shown(path: Path) -> str:
    """``path`` relative to the working directory when it is below it, else absolute."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)
    return str(path) if rel.startswith("..") else rel


def _summarize_one(
    source: str | None, args: argparse.Namespace, opts: dict[str, Any], interrupts: _Interrupts
) -> int:
    from summarizer import SummarizerError, summarize

    try:
        text, title = _read_source(source)
    except OSError as exc:  # no such file, a directory, no permission: as before, status 2
        print(f"error: cannot read {source}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except _SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if source is None:
        print(
            f"Example: {_shown(EXAMPLE)} (pass a file, a link or '-' to summarize your own)",
            file=sys.stderr,
            flush=True,
        )
    try:
        digest = summarize(text, title=title, **opts)
    except SummarizerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        out = json.dumps(digest.to_dict(), ensure_ascii=False, indent=2)
    else:
        out = _render_plain(digest)
    interrupts.write_line(sys.stdout, _clean(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
