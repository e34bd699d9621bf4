"""Fuzz ``summarize`` and ``compose`` with generated text (not a test: prints counts).

    python bench/fuzz.py [--n 100000] [--seed 1] [--jobs 2] [--timeout 20]

Inputs come from a fast seeded generator (no hypothesis): random Unicode
(lone surrogates, control and zero-width characters, RTL marks and scripts,
emoji sequences, private use, combining marks), article-shaped Chinese and
English with abbreviations, decimals and list numbers, HTML fragments, list-
shaped text, and now and then one very long line or a long repetition such
as ``"a. B" * 20000`` or ``"。" * 100000``.  Every input goes through
``summarize`` (random options, sometimes a hostile ``title``); every 20 inputs
make a day for ``compose`` (digests from those runs plus raw items with
hostile text and filters).

Printed: inputs, exceptions by type (with the first reproducer of each),
non-verbatim sentences/key points, digests longer than their input, gists not
taken from their source, and the slowest input.  Same seed, same inputs.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import signal
import sys
import time
import unicodedata
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

__all__ = ["generate", "main"]

_HANS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"
    "同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自"
    "二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日"
    "那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变"
    "条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
    "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指"
    "几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器"
    "压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安"
    "场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集"
    "温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连"
    "断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精"
    "值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属"
    "圆包火住调满县局照参红细引听该铁价严龍體們說為國會發這時個學後過來當"
)
_HANT = (
    "們國會發這時個學後過來當經對無產動實現進樣關長區說開問頭點機體應質義氣圖將電種還"
    "條結線從總萬給邊風變議傳書幾飛車場號導號選聲報團專親戰戲雙醫藥療證據讀財務營運銷"
    "貨幣賣買價錢稅額營銀"
)
_WORDS = (
    "the company said revenue rose fell profit margin market share quarter year users app "
    "platform launch price cost growth data report analysts expect deal billion million "
    "percent shares investors chief executive officer customers service cloud chip model"
).split()
_CAPS = (
    "The It He She They Apple Google Alibaba Tencent Revenue Shares Analysts "
    "Mr. Dr. Ms. U.S. U.K. E.U. Inc. Co. No. St."
).split()
_PUNCT_ZH = [*"。！？；，：、…—“”「」（）《》【】", "……", "——", "？！", "。”", "；"]
_PUNCT_EN = [
    ". ",
    "! ",
    "? ",
    "; ",
    ": ",
    ", ",
    ".",
    "...",
    " - ",
    '"',
    "'",
    "(",
    ")",
    " e.g. ",
    " i.e. ",
]
_MARKERS = [
    "1. ",
    "2. ",
    "10. ",
    "1）",
    "（2）",
    "(3) ",
    "①",
    "一、",
    "二是",
    "第一，",
    "• ",
    "- ",
    "* ",
    "— ",
    "1、",
    "a) ",
]
_HTML = [
    "<p>",
    "</p>",
    "<br>",
    "<br/>",
    "<div class='x'>",
    "</div>",
    "<span>",
    "</span>",
    "<a href='http://x'>",
    "</a>",
    "<script>var a='</p>';</script>",
    "<style>p{}</style>",
    "<!-- c -->",
    "&amp;",
    "&lt;",
    "&#x4e2d;",
    "&#0;",
    "&#xd800;",
    "&nbsp;",
    "<h2>",
    "</h2>",
    "<li>",
    "</li>",
    "<ul>",
    "</ul>",
    "<pre>\n x\n</pre>",
    "<!DOCTYPE html>",
    "<html>",
    "<title>t</title>",
    "<b>",
    "</b>",
    "<",
    ">",
    "</",
    "<![CDATA[x]]>",
]
_ODD = [
    "\ud800",
    "\udfff",
    "\udc00\ud800",
    "\ud83d",
    "\ude00",
    "\x00",
    "\x01",
    "\x7f",
    "\x1b[31m",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u2060",
    "\u00ad",
    "\u202e",
    "\u202d",
    "\u200f",
    "\u061c",
    "\u2066",
    "\u2069",
    "\u2028",
    "\u2029",
    "\r",
    "\r\n",
    "\t",
    "\u3000",
    "\u00a0",
    "\x85",
    "\x0b",
    "\x0c",
    "\ufffd",
    "\U0001f600",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",
    "\U0001f1e8\U0001f1f3",
    "\u0301",
    "\ue000",
    "\U000f0000",
    "\U0010ffff",
    "\uffff",
    "\ufdd0",
    "ﬁ",
    "Ａ",
    "１２３",
    "ℌ",
    "Ⅻ",
]
_RTL = ["مرحبا بالعالم", "هذا نص عربي.", "שלום עולם.", "עברית ", "\u202bمرحبا\u202c", "فارسی؟"]
_OTHER = [
    "Привет мир.",
    "こんにちは。",
    "한국어 문장입니다.",
    "ภาษาไทย",
    "Ελληνικά.",
    "हिन्दी।",
    "🙂🙂🙂",
    "https://example.com/a?b=c",
    "www.x.cn",
    "@user",
    "#话题#",
    "2024-05-01 10:30",
    "3.5%",
    "$1.2bn",
    "US$3.5",
    "Q3",
    "5G",
]


def _zh_clause(r: random.Random) -> str:
    pool = _HANT if r.random() < 0.3 else _HANS
    return "".join(r.choice(pool) for _ in range(r.randint(2, 24)))


def _en_clause(r: random.Random) -> str:
    words = [r.choice(_CAPS)] + [r.choice(_WORDS) for _ in range(r.randint(1, 14))]
    if r.random() < 0.2:
        words.insert(r.randint(0, len(words)), f"{r.randint(0, 999)}.{r.randint(0, 99)}")
    return " ".join(words)


def _sentence(r: random.Random, zh: bool) -> str:
    if zh:
        parts = [_zh_clause(r)]
        for _ in range(r.randint(0, 4)):
            parts.append(r.choice("，，、：；") + _zh_clause(r))
        return "".join(parts) + r.choice(["。", "。", "！", "？", "；", "", "。”"])
    return _en_clause(r) + r.choice([". ", ". ", "? ", "! ", "; ", "", '." '])


def _article(r: random.Random) -> str:
    zh = r.random() < 0.6
    lines = []
    if r.random() < 0.7:
        lines.append(_zh_clause(r) if zh else " ".join(r.choice(_CAPS + _WORDS) for _ in range(6)))
    for _ in range(r.randint(1, 6)):
        kind = r.random()
        if kind < 0.15:
            lines.append(_sentence(r, zh).rstrip("。. ") + r.choice(["？", "?"]))
        elif kind < 0.35:
            lines.append(r.choice(_MARKERS) + _sentence(r, zh))
        else:
            lines.append(
                "".join(
                    _sentence(r, zh if r.random() < 0.9 else not zh) for _ in range(r.randint(1, 4))
                )
            )
    sep = r.choice(["\n", "\n\n", "\n", " \n", "\r\n"])
    return sep.join(lines)


def _noise(r: random.Random, size: int) -> str:
    out = []
    for _ in range(size):
        x = r.random()
        if x < 0.25:
            out.append(chr(r.randint(0, 0x10FFFF)))
        elif x < 0.4:
            out.append(r.choice(_ODD))
        elif x < 0.55:
            out.append(r.choice(_PUNCT_ZH + _PUNCT_EN))
        elif x < 0.7:
            out.append(_zh_clause(r))
        elif x < 0.8:
            out.append(r.choice(_WORDS + _CAPS) + " ")
        elif x < 0.87:
            out.append(r.choice(_HTML))
        elif x < 0.93:
            out.append(r.choice(_RTL + _OTHER))
        else:
            out.append(r.choice(["\n", "\n\n", " ", r.choice(_MARKERS)]))
    return "".join(out)


def _sprinkle(r: random.Random, text: str) -> str:
    """Insert odd characters at random places of an otherwise ordinary text."""
    chars = list(text)
    for _ in range(r.randint(1, 6)):
        chars.insert(r.randint(0, len(chars)), r.choice(_ODD + _RTL))
    return "".join(chars)


def _long(r: random.Random) -> str:
    kind = r.randrange(7)
    n = r.randint(2000, 20000)
    if kind == 0:
        return "a. B" * n
    if kind == 1:
        return "。" * (n * 5)
    if kind == 2:
        return " ".join(_en_clause(r) + ". Mr. U.S. e.g." for _ in range(n // 20))
    if kind == 3:
        return "；".join(_zh_clause(r) for _ in range(n // 5))
    if kind == 4:
        return "\n".join(f"{i % 99 + 1}. {_sentence(r, r.random() < 0.5)}" for i in range(n // 10))
    if kind == 5:
        return "<p>" + "</p><p>".join(_sentence(r, True) for _ in range(n // 10)) + "</p>"
    return r.choice(["x", "中", "a.", "1. ", "\u200b", "?", "!", ";", "-", " "]) * (n * 10)


def generate(r: random.Random) -> tuple[str, dict[str, Any]]:
    """One input and the keyword arguments to summarize it with."""
    x = r.random()
    if x < 0.001:
        text = _long(r)
    elif x < 0.30:
        text = _noise(r, r.randint(0, 120))
    elif x < 0.45:
        text = _sprinkle(r, _article(r))
    elif x < 0.55:
        text = "".join(
            r.choice(_HTML) + _sentence(r, r.random() < 0.5) for _ in range(r.randint(3, 20))
        )
    elif x < 0.60:
        text = _article(r).encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    else:
        text = _article(r)
    kwargs: dict[str, Any] = {}
    if r.random() < 0.1:
        kwargs["max_sentences"] = r.choice([-1, 0, 1, 2, 5, 50])
    if r.random() < 0.1:
        kwargs["max_length"] = r.choice([-5, 0, 1, 10, 1000])
    if r.random() < 0.05:
        kwargs["title"] = r.choice(["", " ", "\ud800", "标题\udfff", "Title\x00", _noise(r, 5)])
    return text, kwargs


# --- checks -------------------------------------------------------------------


def _flat(text: str) -> str:
    return "".join(
        ch for ch in text if not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf")
    )


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise _Timeout


def _run_chunk(args: tuple[int, int, int, float]) -> dict[str, Any]:
    seed, start, count, timeout = args
    from summarizer import SummarizerError, summarize
    from summarizer.compose import DailyItem, compose, gist
    from summarizer.digest import Digest, Stats
    from summarizer.html import html_to_text, looks_like_html
    from summarizer.text import normalize_input

    signal.signal(signal.SIGALRM, _alarm)
    summarize("预热：加载词典。Warm-up loads the dictionaries.")  # start-up is not per input
    res: dict[str, Any] = {
        "inputs": 0,
        "ok": 0,
        "refused": 0,
        "exceptions": Counter(),
        "examples": {},
        "nonverbatim": 0,
        "nv_examples": [],
        "longer": 0,
        "long_examples": [],
        "compose_runs": 0,
        "bad_gists": 0,
        "max_time": 0.0,
        "slowest": "",
    }

    def record(kind: str, text: object) -> None:
        res["exceptions"][kind] += 1
        res["examples"].setdefault(kind, repr(text)[:300])

    day: list[Any] = []
    base = datetime(2026, 1, 1, tzinfo=UTC)
    for k in range(start, start + count):
        r = random.Random(seed * 1_000_003 + k)
        text, kwargs = generate(r)
        res["inputs"] += 1
        t0 = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            d = summarize(text, **kwargs)
        except SummarizerError:
            res["refused"] += 1
            d = None
        except _Timeout:
            record("Timeout", text)
            d = None
        except Exception as e:  # counting every crash is the point
            record(f"summarize:{type(e).__name__}: {str(e)[:80]}", (text, kwargs))
            d = None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        took = time.perf_counter() - t0
        if took > res["max_time"]:
            res["max_time"], res["slowest"] = took, repr(text[:80]) + f" ({len(text)} chars)"
        if d is None:
            continue
        res["ok"] += 1
        clean = normalize_input(text)
        flat = _flat(clean)
        flat_html = _flat(html_to_text(clean)) if looks_like_html(clean) else flat
        for part in (*d.sentences, *d.key_points):
            p = _flat(part)
            if p not in flat and p not in flat_html:
                res["nonverbatim"] += 1
                if len(res["nv_examples"]) < 5:
                    res["nv_examples"].append((repr(text[:200]), part[:100]))
        out_len = sum(len(s) for s in d.sentences) + sum(len(p) for p in d.key_points)
        if out_len > len(clean) or d.stats.digest_chars > d.stats.input_chars:
            res["longer"] += 1
            if len(res["long_examples"]) < 5:
                res["long_examples"].append(repr(text[:200]))
        day.append(DailyItem(str(k), d, text, base + timedelta(minutes=k % 997), None))
        if len(day) >= 20:
            res["compose_runs"] += 1
            _compose_day(r, day, res, record, compose, gist, DailyItem, Digest, Stats, base)
            day = []
    return res


def _compose_day(
    r: random.Random,
    day: list[Any],
    res: dict[str, Any],
    record: Any,
    compose: Any,
    gist: Any,
    DailyItem: Any,
    Digest: Any,
    Stats: Any,
    base: datetime,
) -> None:
    items = list(day)
    for j in range(r.randint(0, 4)):  # raw items: hostile text, odd digests
        text = _noise(r, r.randint(0, 60))
        digest = Digest(
            title=r.choice([None, "", _noise(r, 4), "\ud800标题"]),
            sentences=tuple(_noise(r, 3) for _ in range(r.randint(0, 2))),
            tags=tuple(
                r.choice(["DingTalk", "", "\ud800", "钉钉", "#x"]) for _ in range(r.randint(0, 2))
            ),
            stats=Stats(r.randint(0, 9), 0, r.randint(0, 9), 0, 0.0),
        )
        items.append(DailyItem(f"raw{j}", digest, text, base + timedelta(seconds=j), "http://x"))
    if r.random() < 0.3 and items:
        items.append(items[0])  # a forward: same text again under another key
        items[-1] = DailyItem("dup", items[0].digest, items[0].text, base, None)
    filters = r.choice(
        [(), (), ("钉钉",), ("#DingTalk", "\ud800"), ("", " ", "#"), (_noise(r, 3),)]
    )
    max_items = r.choice([None, None, 0, 1, 5, -1])
    signal.setitimer(signal.ITIMER_REAL, 60)
    try:
        daily = compose(items, filters=filters, max_items=max_items)
        for e in daily.entries:
            src = {
                (_flat(it.digest.title or (it.digest.sentences[0] if it.digest.sentences else "")))
                for it in items
                if it.key in e.keys
            }
            g = _flat(e.gist.removesuffix("…"))
            if not any(g in s for s in src):
                res["bad_gists"] += 1
    except _Timeout:
        record("compose:Timeout", [it.text[:40] for it in items])
    except Exception as e:
        record(f"compose:{type(e).__name__}: {str(e)[:80]}", [it.text[:60] for it in items][:3])
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _collect(results: Any, total: dict[str, Any], n: int, t0: float) -> None:
    for res in results:
        for key, v in res.items():
            if key in ("max_time", "slowest"):
                continue
            if isinstance(v, Counter):
                total.setdefault(key, Counter()).update(v)
            elif isinstance(v, dict):
                for kk, vv in v.items():
                    total.setdefault(key, {}).setdefault(kk, vv)
            elif isinstance(v, list):
                total.setdefault(key, []).extend(v)
            else:
                total[key] = total.get(key, 0) + v
        elapsed = time.perf_counter() - t0
        print(f"\r{total['inputs']}/{n} inputs, {elapsed:.0f} s", end="", file=sys.stderr)
        if res["max_time"] > total.get("max_time", 0.0):
            total["max_time"], total["slowest"] = res["max_time"], res["slowest"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--chunk", type=int, default=500)
    ap.add_argument(
        "--timeout", type=float, default=20.0, help="seconds per input before it counts as a hang"
    )
    args = ap.parse_args(argv)
    tasks = [
        (args.seed, s, min(args.chunk, args.n - s), args.timeout)
        for s in range(0, args.n, args.chunk)
    ]
    t0 = time.perf_counter()
    total: dict[str, Any] = {}
    interrupted = False
    with mp.get_context("fork").Pool(args.jobs, initializer=_ignore_sigint) as pool:
        try:
            _collect(pool.imap_unordered(_run_chunk, tasks), total, args.n, t0)
        except KeyboardInterrupt:  # Ctrl-C (or kill -INT): report what is done so far
            interrupted = True
            pool.terminate()
    if not total:
        print("no chunk finished")
        return 1
    wall = time.perf_counter() - t0
    print(file=sys.stderr)
    exc: Counter[str] = total.get("exceptions", Counter())
    if interrupted:
        print("(interrupted: counts cover the chunks that finished)")
    print(
        f"inputs {total['inputs']}  digests {total['ok']}"
        f"  refused (SummarizerError) {total['refused']}"
        f"  compose days {total['compose_runs']}  wall {wall:.0f} s on {args.jobs} processes"
    )
    print(f"exceptions {sum(exc.values())}")
    for kind, count in exc.most_common():
        print(f"  {count:6d}  {kind}\n          e.g. {total['examples'][kind]}")
    print(f"non-verbatim sentences/points {total['nonverbatim']}")
    for ex in total.get("nv_examples", [])[:5]:
        print(f"  {ex}")
    print(f"digests longer than input {total['longer']}")
    for ex in total.get("long_examples", [])[:5]:
        print(f"  {ex}")
    print(f"gists not from their source {total['bad_gists']}")
    print(f"max time per input {total['max_time']:.2f} s: {total['slowest']}")
    bad = sum(exc.values()) + total["nonverbatim"] + total["longer"] + total["bad_gists"]
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
