"""``python -m summarizer`` stands without the Telegram shell: a checkout with ``bot/`` removed.

The CLI is copied with the two packages it may use (``summarizer``, ``reader``) into an
empty directory, and run there with ``bot`` made unimportable (the project is also
installed in the test environment, so a missing directory alone would prove nothing).
"""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.articles import EN_ARTICLE, ZH_HANS_ARTICLE
from tests.fakes.http_server import HttpServer, response

ROOT = Path(__file__).resolve().parents[1]
# any import of bot (or of its pieces) raises ImportError in the child
_RUN = (
    "import runpy, sys\n"
    "sys.modules['bot'] = None\n"
    "sys.argv = ['summarizer', *sys.argv[1:]]\n"
    "runpy.run_module('summarizer', run_name='__main__', alter_sys=True)\n"
)


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("no-bot")
    for package in ("summarizer", "reader"):
        shutil.copytree(
            ROOT / package, where / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    assert not (where / "bot").exists()
    return where


def run(checkout: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(checkout)
    env["FETCH_ALLOW_PRIVATE_NETWORKS"] = "true"
    return subprocess.run(
        [sys.executable, "-c", _RUN, *args],
        cwd=checkout,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def test_file_stdin_json_jsonl_and_url_work_without_the_bot(checkout: Path) -> None:
    (checkout / "article.txt").write_text(ZH_HANS_ARTICLE, encoding="utf-8")
    from_file = run(checkout, "--json", "article.txt")
    assert from_file.returncode == 0, from_file.stderr
    digest = json.loads(from_file.stdout)
    assert digest["language"] == "zh-Hans" and digest["sentences"]
    assert all(s in ZH_HANS_ARTICLE for s in digest["sentences"])

    from_stdin = run(checkout, "-", stdin=EN_ARTICLE)
    assert from_stdin.returncode == 0, from_stdin.stderr
    assert from_stdin.stdout.strip()

    batch = "\n".join(
        json.dumps({"id": i, "text": t}) for i, t in enumerate([EN_ARTICLE, ZH_HANS_ARTICLE])
    )
    jsonl = run(checkout, "--jsonl", stdin=batch + "\n")
    assert jsonl.returncode == 0, jsonl.stderr
    records = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert [str(r["id"]) for r in records] == ["0", "1"]

    page = "<html><head><title>Northwind</title></head><body><article>{}</article></body></html>"
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in EN_ARTICLE.split("\n") if p.strip())
    with HttpServer({"/story": response(page.format(paragraphs).encode())}) as server:
        from_url = run(checkout, "--json", server.url("/story"))
    assert from_url.returncode == 0, from_url.stderr
    assert json.loads(from_url.stdout)["sentences"]
