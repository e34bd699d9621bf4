"""Time, event-loop stalls and peak memory of fetching hostile links (bombs, broken HTTP).

Serves each case from :class:`tests.fakes.hostile_server.HostileServer` on 127.0.0.1 and
fetches it in a fresh child process, so each case's peak RSS (``os.wait4``) is its own;
a 50 ms heartbeat in the child records the longest event-loop stall.  ``--one-process``
runs every case in one process instead (the whole-process budget: ≤20 s, ≤400 MB).

    .venv/bin/python bench/bench_hostile_fetch.py
    .venv/bin/python bench/bench_hostile_fetch.py --one-process
    .venv/bin/python bench/bench_hostile_fetch.py --fetcher /tmp/before/old_fetch.py --limit-mb 6000

``--fetcher`` loads another copy of ``reader/fetch.py`` (e.g. ``git show HEAD:reader/fetch.py``)
to measure "before"; ``--limit-mb`` caps each child's address space so a bomb cannot take
the machine (the child then reports ``MemoryError``).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.fakes.hostile_server import (  # noqa: E402
    HostileServer,
    Route,
    chunks,
    compressed,
    reset_after,
    response,
    zeros_compressed,
)

__all__ = ["main"]

_HTML = ("Content-Type", "text/html; charset=utf-8")
_PARAS = [
    "港口协会周四发布报告称，十一月沿海主要港口集装箱吞吐量同比增长百分之六点二，连续三个月回升。",
    "报告显示，出口航线订舱量明显增加，东南亚和中东方向的增幅最大，欧洲航线基本持平。",
    "协会负责人表示，运价在经历夏季波动后趋于稳定，港口作业效率也有所提高。",
]
_ARTICLE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>港口物流指数回升</title></head>"
    "<body><article>" + "".join(f"<p>{p}</p>" for p in _PARAS) + "</article></body></html>"
).encode()


def _layers(data: bytes, n: int) -> bytes:
    for _ in range(n):
        data = compressed(data, "gzip")
    return data


def _cases() -> dict[str, tuple[str, Route]]:
    """name → (what it is, route)."""
    gb = zeros_compressed(1024)
    four_gb = zeros_compressed(4096)
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n"
    stacked2, stacked3 = _layers(four_gb, 1), _layers(four_gb, 2)
    return {
        "gzip_article": (
            f"a normal gzip page ({len(compressed(_ARTICLE, 'gzip'))} B)",
            response(compressed(_ARTICLE, "gzip"), headers=[_HTML, ("Content-Encoding", "gzip")]),
        ),
        "gzip_1gb": (
            f"gzip, 1 GB of zeros in {len(gb) // 1024} KB",
            response(gb, headers=[_HTML, ("Content-Encoding", "gzip")]),
        ),
        "deflate_1gb": (
            "deflate (zlib), 1 GB of zeros",
            response(
                zeros_compressed(1024, "deflate"), headers=[_HTML, ("Content-Encoding", "deflate")]
            ),
        ),
        "chunked_gzip_1gb": (
            "gzip, chunked, 1 GB",
            response(chunks(gb), headers=[_HTML, ("Content-Encoding", "gzip")], chunked=True),
        ),
        "gzip_gzip_4gb": (
            f"'gzip, gzip', 4 GB in {len(stacked2)} B",
            response(stacked2, headers=[_HTML, ("Content-Encoding", "gzip, gzip")]),
        ),
        "gzip3_4gb": (
            f"'gzip, gzip, gzip', 4 GB in {len(stacked3)} B",
            response(stacked3, headers=[_HTML, ("Content-Encoding", "gzip, gzip, gzip")]),
        ),
        "short_body": (
            "Content-Length 5000, 100 bytes sent",
            response(_ARTICLE[:100], headers=[_HTML], length=5000),
        ),
        "bad_chunk": (
            "malformed chunk size",
            response(b"zz\r\n<html>\r\n0\r\n\r\n", headers=[_HTML], chunked=True),
        ),
        "reset": (
            "connection reset mid-body",
            reset_after(head + b"Content-Length: 9000\r\n\r\n<html>"),
        ),
        "bad_gzip": (
            "corrupt gzip data",
            response(
                b"\x1f\x8b\x08\x00" + b"\xff" * 200, headers=[_HTML, ("Content-Encoding", "gzip")]
            ),
        ),
        "redirect_data": (
            "302 to data:",
            response(headers=[("Location", "data:text/html,x")], status="302 Found"),
        ),
        "redirect_mailto": (
            "302 to mailto:",
            response(headers=[("Location", "mailto:a@news.test")], status="302 Found"),
        ),
        "redirect_http_host": (
            "302 to http:host (no slashes)",
            response(headers=[("Location", "http:host")], status="302 Found"),
        ),
        "table_cells_1mb": (
            "1 MB page of 35,000 table rows (parses for ~40 s)",
            response(
                b"<html><body><table>"
                + b"<tr><td>a</td><td>b</td></tr>" * 35_000
                + b"</table></body></html>",
                headers=[_HTML],
            ),
        ),
        "charset_undefined": (
            "Content-Type charset=undefined",
            response(_ARTICLE, headers=[("Content-Type", "text/html; charset=undefined")]),
        ),
    }


def _load_fetcher(path: str | None) -> ModuleType:
    if path is None:
        import reader.fetch

        return reader.fetch
    spec = importlib.util.spec_from_file_location("bench_fetcher", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _load_guard() -> ModuleType:
    import reader.guard

    return reader.guard


async def _fetch_one(fetcher: ModuleType, url: str) -> dict[str, Any]:
    gaps: list[float] = [0.0]

    async def heartbeat() -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.05)
            now = time.perf_counter()
            gaps.append(now - last - 0.05)
            last = now

    make_client = getattr(fetcher, "make_client", None) or _load_guard().make_client
    client = make_client(allow_private=True)  # as the bot does: one client, made at start-up
    beat = asyncio.create_task(heartbeat())
    await asyncio.sleep(0)
    started = time.perf_counter()
    try:
        page = await fetcher.fetch_url(url, allow_private=True, client=client)
        outcome = f"ok: {page.title}"
    except MemoryError:
        outcome = "MemoryError (address-space limit reached)"
    except Exception as exc:
        reason = getattr(exc, "reason", None)
        kind = type(exc).__name__
        outcome = f"{kind}({reason})" if reason else f"{kind}: {str(exc)[:60]}"
    seconds = time.perf_counter() - started
    await asyncio.sleep(0.06)
    beat.cancel()
    await client.aclose()
    return {"outcome": outcome, "seconds": seconds, "stall": max(gaps)}


def _child(args: argparse.Namespace) -> int:
    if args.limit_mb:
        limit = args.limit_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    fetcher = _load_fetcher(args.fetcher)
    result = asyncio.run(_fetch_one(fetcher, args.url))
    print(json.dumps(result, ensure_ascii=False))
    return 0


def _row(name: str, what: str, result: dict[str, Any], rss_mb: float | None) -> str:
    rss = f"{rss_mb:7.0f} MB" if rss_mb is not None else "        -"
    return (
        f"{name:<19} {result['seconds']:7.2f} s  stall {result['stall']:6.2f} s  {rss}  "
        f"{result['outcome'][:48]:<48}  {what}"
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--fetcher", help="path of another reader/fetch.py to measure")
    p.add_argument("--limit-mb", type=int, default=0, help="address-space limit per child")
    p.add_argument("--one-process", action="store_true", help="all cases in this process")
    p.add_argument("--only", nargs="*", help="case names to run")
    p.add_argument("--url", help=argparse.SUPPRESS)  # child mode
    args = p.parse_args(argv)
    if args.url:
        return _child(args)

    cases = _cases()
    names = args.only or list(cases)
    with HostileServer({f"/{n}": cases[n][1] for n in names}) as server:
        if args.one_process:
            fetcher = _load_fetcher(args.fetcher)
            started = time.perf_counter()
            for name in names:
                result = asyncio.run(_fetch_one(fetcher, server.url(f"/{name}")))
                print(_row(name, cases[name][0], result, None), flush=True)
            total = time.perf_counter() - started
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"whole process: {total:.2f} s for {len(names)} cases, peak RSS {peak:.0f} MB")
            return 0
        for name in names:
            cmd = [sys.executable, __file__, "--url", server.url(f"/{name}")]
            if args.fetcher:
                cmd += ["--fetcher", args.fetcher]
            if args.limit_mb:
                cmd += ["--limit-mb", str(args.limit_mb)]
            child = subprocess.Popen(cmd, stdout=subprocess.PIPE, cwd=ROOT)
            assert child.stdout is not None
            out = child.stdout.read()
            _, status, usage = os.wait4(child.pid, 0)
            child.returncode = os.waitstatus_to_exitcode(status)
            try:
                result = json.loads(out.decode().strip().splitlines()[-1])
            except (ValueError, IndexError):
                result = {"outcome": f"child died (exit {child.returncode})", "seconds": 0.0}
                result["stall"] = 0.0
            print(_row(name, cases[name][0], result, usage.ru_maxrss / 1024), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
