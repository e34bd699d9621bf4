"""Print the digest of the seed article (a manual check, not a test).

Usage: .venv/bin/python bench/check_seed.py [path]
"""

from __future__ import annotations

import sys
from pathlib import Path

from summarizer import summarize

SEED = Path("/work/shared/seed/dingtalk_wechat_private_traffic.txt")


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else SEED
    digest = summarize(path.read_text(encoding="utf-8"))
    print("title:", digest.title)
    print("language:", digest.language)
    for i, s in enumerate(digest.sentences, 1):
        print(f"sentence {i}:", s)
    for i, p in enumerate(digest.key_points, 1):
        print(f"point {i}:", p)
    print("tags:", " ".join(digest.hashtags))


if __name__ == "__main__":
    main()
