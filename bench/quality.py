"""Quick in-process ROUGE check against the shared dev sets (a dev loop, not the official run).

The official comparison is ``../shared/eval/run_eval.py --cmd "python -m summarizer --jsonl"``;
this script imports the harness's own ROUGE so numbers agree, but skips the
baselines and subprocesses so a parameter change can be judged in seconds.

    python bench/quality.py [--lang en] [--convert s2twp] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lang", default="zh", choices=["zh", "en"])
    ap.add_argument("--data", default=None)
    ap.add_argument("--convert", default=None, help="OpenCC config applied to articles, e.g. s2twp")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--show", type=int, default=0, help="print N worst articles")
    args = ap.parse_args()
    sys.path.insert(0, str(SHARED / "eval"))
    from rouge import SENT_JOIN, RefScorer, normalize  # type: ignore[import-not-found]

    from summarizer import summarize

    unit = "word" if args.lang == "en" else "char"
    data = args.data or str(SHARED / "data" / f"{args.lang}_news_dev.jsonl")
    recs = [json.loads(x) for x in Path(data).read_text("utf-8").splitlines() if x.strip()]
    if args.limit:
        recs = recs[: args.limit]
    conv = None
    if args.convert:
        import opencc

        conv = opencc.OpenCC(args.convert)
    by_src: dict[str, list[float]] = defaultdict(list)
    lens: list[int] = []
    rows = []
    for r in recs:
        art = conv.convert(r["article"]) if conv else r["article"]
        d = summarize(art)
        hyp = normalize(SENT_JOIN[unit].join(d.sentences), unit)
        sc = RefScorer(r["summary"], unit=unit).score_norm(hyp)
        rl = sc["rouge-l"][2]
        src = r.get("source", "")[:12]
        by_src[src].append(rl)
        by_src["ALL"].append(rl)
        lens.append(len(hyp))
        rows.append((rl, r["id"], d.sentences, r["summary"]))
    for src, v in sorted(by_src.items()):
        print(f"{src:14s} n={len(v):3d} RL={100 * statistics.mean(v):.2f}")
    print(f"mean len {statistics.mean(lens):.1f}")
    for rl, rid, sents, ref in sorted(rows)[: args.show]:
        print(f"--- {rid} RL={rl:.3f}\nREF: {ref}\nOUT: {' | '.join(sents)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
