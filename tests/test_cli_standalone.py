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
# One child runs the CLI's main() once per mode (a child per mode would pay the interpreter,
# jieba's dictionary and trafilatura's import four times); any import of bot (or of its
# pieces) raises ImportError in it.  argv[1]: a JSON list of [name, args, stdin file or null].
_RUN = """
import json, sys
sys.modules["bot"] = None
from summarizer.__main__ import main
status = {}
for name, args, stdin in json.loads(sys.argv[1]):
    sys.stdin = open(stdin or "/dev/null", encoding="utf-8")
    sys.stdout = open(name + ".out", "w", encoding="utf-8")
    try:
        status[name] = main(args)
    finally:
        sys.stdout.close()
        sys.stdout = sys.__stdout__
print(json.dumps(status))
"""


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("no-bot")
    for package in ("summarizer", "reader"):
        shutil.copytree(
            ROOT / package, where / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    assert not (where / "bot").exists()
    return where


def run(checkout: Path, modes: list[tuple[str, list[str], str | None]]) -> dict[str, int]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(checkout)
    env["FETCH_ALLOW_PRIVATE_NETWORKS"] = "true"
    child = subprocess.run(
        [sys.executable, "-c", _RUN, json.dumps(modes)],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert child.returncode == 0, child.stderr
    status: dict[str, int] = json.loads(child.stdout.splitlines()[-1])
    return status


def test_file_stdin_json_jsonl_and_url_work_without_the_bot(checkout: Path) -> None:
    (checkout / "article.txt").write_text(ZH_HANS_ARTICLE, encoding="utf-8")
    (checkout / "en.txt").write_text(EN_ARTICLE, encoding="utf-8")
    batch = "\n".join(
        json.dumps({"id": i, "text": t}) for i, t in enumerate([EN_ARTICLE, ZH_HANS_ARTICLE])
    )
    (checkout / "batch.jsonl").write_text(batch + "\n", encoding="utf-8")
    page = "<html><head><title>Northwind</title></head><body><article>{}</article></body></html>"
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in EN_ARTICLE.split("\n") if p.strip())
    with HttpServer({"/story": response(page.format(paragraphs).encode())}) as server:
        status = run(
            checkout,
            [
                ("file", ["--json", "article.txt"], None),
                ("stdin", ["-"], "en.txt"),
                ("jsonl", ["--jsonl"], "batch.jsonl"),
                ("url", ["--json", server.url("/story")], None),
            ],
        )
        assert server.hits == ["/story"]
    assert status == {"file": 0, "stdin": 0, "jsonl": 0, "url": 0}

    def output(name: str) -> str:
        return (checkout / f"{name}.out").read_text(encoding="utf-8")

    digest = json.loads(output("file"))
    assert digest["language"] == "zh-Hans" and digest["sentences"]
    assert all(s in ZH_HANS_ARTICLE for s in digest["sentences"])
    assert output("stdin").strip()
    records = [json.loads(line) for line in output("jsonl").splitlines()]
    assert [str(r["id"]) for r in records] == ["0", "1"]
    linked = json.loads(output("url"))
    assert linked["title"] == "Northwind"
    assert linked["sentences"] and all(s in EN_ARTICLE for s in linked["sentences"])
