"""Command line: ``python -m summarizer FILE|-`` (also installed as ``zhaiyao``).

- ``FILE`` or ``-`` (stdin): print a readable digest; ``--json`` prints the Digest as JSON.
- ``--jsonl``: the batch protocol of the shared eval harness.  Reads
  ``{"id", "text", "sentences"}`` lines on stdin and writes one
  ``{"id", "sentences": [...], ...}`` line per input, in one process.  The
  returned sentences are the digest's sentences exactly as the bot shows them
  with default settings (the requested count is only a hint).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

__all__ = ["main"]

EXAMPLE = Path(__file__).with_name("examples") / "zh_hant_retail.txt"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m summarizer",
        description="Summarize a Chinese or English business article (extractive, offline).",
    )
    p.add_argument(
        "source",
        nargs="?",
        help="an http(s) URL, a document (.txt in any common encoding, .html, .md, .pdf, "
        ".docx), or '-' for stdin (default: the bundled example article)",
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--json", action="store_true", help="print the digest as JSON")
    mode.add_argument("--jsonl", action="store_true", help="batch mode: the eval JSONL protocol")
    p.add_argument("--max-sentences", type=int, default=None, help="sentences in the digest (3)")
    p.add_argument(
        "--max-length",
        type=int,
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


def _read_source(source: str | None) -> tuple[str, str | None]:
    """(text, title) of the example, stdin, a link, or a file (any supported document)."""
    if source is None:
        return EXAMPLE.read_text(encoding="utf-8"), None
    if source == "-":
        return sys.stdin.read(), None
    scheme, sep, _ = source.partition("://")
    if sep and scheme.isascii() and scheme.isalpha():  # a link (ftp:// etc. get a clear refusal)
        return _fetch(source)
    from reader.documents import SUPPORTED_EXTENSIONS, extract_document, kind_for
    from summarizer.errors import SummarizerError

    path = Path(source)
    data = path.read_bytes()
    # a document type by extension, or no extension (sniffed); anything else as text
    known = kind_for(path.name) is not None or not path.suffix
    try:
        doc = extract_document(data, path.name if known else path.name + ".txt")
    except SummarizerError as exc:
        why = str(exc)
        if not known and getattr(exc, "reason", None) == "binary":
            why = f"not a text file; supported: {', '.join(SUPPORTED_EXTENSIONS)}"
        raise _SourceError(f"cannot read {source}: {why}") from exc
    return doc.text, doc.title


def _options(args: argparse.Namespace) -> dict[str, Any]:
    opts: dict[str, Any] = {}
    if args.max_sentences is not None:
        opts["max_sentences"] = args.max_sentences
    if args.max_length is not None:
        opts["max_length"] = args.max_length
    return opts


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
    lines += ["", f"[{digest.language}] {st.input_length} → {st.digest_length}"]
    return "\n".join(lines)


def _progress(items: list[str], stream: IO[str]) -> Iterable[str]:
    if not stream.isatty():
        return items
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is a dependency
        return items
    return tqdm(items, file=stream, unit="art", desc="summarizing")


def _jsonl(lines: Iterable[str], opts: dict[str, Any]) -> Iterator[dict[str, Any]]:
    from summarizer import SummarizerError, summarize

    for n, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            req = json.loads(line)
        except json.JSONDecodeError as exc:
            yield {"id": str(n), "sentences": [], "error": f"bad JSON: {exc.msg}"}
            continue
        rid = str(req.get("id", n))
        try:
            d = summarize(str(req.get("text", "")), **opts)
        except SummarizerError as exc:
            yield {"id": rid, "sentences": [], "error": str(exc)}
            continue
        yield {
            "id": rid,
            "sentences": list(d.sentences),
            "title": d.title,
            "key_points": list(d.key_points),
            "tags": list(d.tags),
            "language": d.language,
        }


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:  # e.g. piped into `head`: the reader left, nothing to report
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _main(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    opts = _options(args)
    if args.jsonl:
        lines = sys.stdin.read().splitlines()
        out = sys.stdout
        for rec in _jsonl(_progress(lines, sys.stderr), opts):
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        out.flush()
        return 0

    from summarizer import SummarizerError, summarize

    try:
        text, title = _read_source(args.source)
    except OSError as exc:
        print(f"error: cannot read {args.source}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except _SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        digest = summarize(text, title=title, **opts)
    except SummarizerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(digest.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(_render_plain(digest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
