"""Speed and memory of the summarizer, side by side with its reference points.

    python bench/speed.py [--rounds 5] [--data ../shared/data/zh_news_dev.jsonl]

Throughput (articles/s, after start-up) of, over the same texts:
  * bare ``jieba.lcut`` on each article (the floor any jieba-based summarizer pays);
  * sumy's LexRank with jieba words (sumy's ``Tokenizer("chinese")``, our sentences);
  * ``summarizer.summarize``.
Each is timed ``--rounds`` times, interleaved, and the best round counts, so
a busy machine slows all three alike.  Then: start-up of ``python -m
summarizer`` (empty batch and the bundled example), and time and peak memory
for a 100,000-character article and a 2,000-sentence article, each in a fresh
process.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))


def _sumy_lexrank() -> Callable[[str], object]:
    from sumy.nlp.stemmers import Stemmer
    from sumy.nlp.tokenizers import Tokenizer
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.utils import get_stop_words

    from summarizer.segment import split_sentences

    class JiebaTokenizer(Tokenizer):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__("chinese")

        def to_sentences(self, paragraph: str) -> tuple[str, ...]:
            return tuple(split_sentences(paragraph))

    tok = JiebaTokenizer()
    lex = LexRankSummarizer(Stemmer("chinese"))
    lex.stop_words = get_stop_words("chinese")

    def run(text: str) -> object:
        doc = PlaintextParser(text, tok).document
        return lex(doc, 3)

    return run


def _time(fn: Callable[[str], object], texts: list[str]) -> float:
    t0 = time.perf_counter()
    for t in texts:
        fn(t)
    return time.perf_counter() - t0


def _subprocess_peak(code: str) -> tuple[float, float]:
    """(seconds, peak RSS MB) of a snippet run in a fresh interpreter."""
    wrapper = (
        "import resource, time, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from summarizer import summarize\n"
        "summarize('预热。' * 3)\n"
        "t0 = time.perf_counter()\n" + code + "\n"
        "dt = time.perf_counter() - t0\n"
        "print(dt, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", wrapper], capture_output=True, text=True, check=True, timeout=600
    ).stdout.split()
    return float(out[0]), float(out[1])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(SHARED / "data" / "zh_news_dev.jsonl"))
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    texts = [
        json.loads(line)["article"]
        for line in Path(args.data).read_text("utf-8").splitlines()
        if line.strip()
    ]
    warnings.simplefilter("ignore")
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    from summarizer import summarize

    lexrank = _sumy_lexrank()
    systems: dict[str, Callable[[str], object]] = {
        "jieba.lcut": jieba.lcut,
        "sumy LexRank + jieba": lexrank,
        "zhaiyao summarize": summarize,
    }
    for fn in systems.values():  # warm up caches and lazy imports
        fn(texts[0])
    best = dict.fromkeys(systems, float("inf"))
    for _ in range(args.rounds):
        for name, fn in systems.items():
            best[name] = min(best[name], _time(fn, texts))
    rate = {name: len(texts) / t for name, t in best.items()}
    print(f"{len(texts)} articles, best of {args.rounds} interleaved rounds")
    for name, r in rate.items():
        print(f"  {name:24s} {r:8.1f} art/s")
    ours = rate["zhaiyao summarize"]
    print(f"  zhaiyao / LexRank   = {ours / rate['sumy LexRank + jieba']:.2f}x  (bar: >= 2.0)")
    print(f"  zhaiyao / jieba.lcut = {ours / rate['jieba.lcut']:.2f}x  (bar: >= 0.6)")

    starts = []
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "summarizer", "--jsonl"],
            input="",
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        starts.append(time.perf_counter() - t0)
    print(f"start-up, empty batch:  median {statistics.median(starts):.2f} s")
    starts = []
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "summarizer"],
            stdin=subprocess.DEVNULL,  # the demo: a piped stdin would be read as the article
            capture_output=True,
            check=True,
            cwd=ROOT,
        )
        starts.append(time.perf_counter() - t0)
    print(f"start-up + example:     median {statistics.median(starts):.2f} s")

    snippet_big = (
        "import json\n"
        f"texts = [json.loads(x)['article'] for x in open({args.data!r}, encoding='utf-8')]\n"
        "text = '\\n'.join(texts)\n"
        "while len(text) < 100_000: text += '\\n' + text\n"
        "text = text[:100_000]\n"
        "summarize(text)\n"
    )
    dt, peak = _subprocess_peak(snippet_big)
    print(f"100,000-character article: {dt:.2f} s, peak RSS {peak:.0f} MB (whole process)")
    snippet_sents = (
        "parts = [f'第{i}家公司本季度营收增长{i % 50}%，主要受益于线上渠道扩张。' "
        "for i in range(2000)]\n"
        "text = '\\n'.join(''.join(parts[j:j+5]) for j in range(0, 2000, 5))\n"
        "summarize(text)\n"
    )
    dt, peak = _subprocess_peak(snippet_sents)
    print(f"2,000-sentence article:    {dt:.2f} s, peak RSS {peak:.0f} MB (whole process)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
