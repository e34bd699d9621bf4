from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from summarizer.__main__ import main

FIXTURES = Path(__file__).parent / "fixtures"


def test_bundled_example_runs_without_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "社群團購" in out  # the example's own headline, in its own script
    assert "#WeChat" in out


def test_file_and_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--json", str(FIXTURES / "zh_hans_retail.txt")]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["title"].startswith("钉钉上线")
    assert d["language"] == "zh-Hans"
    assert d["tags"][0] == "DingTalk"
    assert set(d) >= {"title", "sentences", "key_points", "tags", "language", "stats"}


def test_stdin_and_options() -> None:
    text = (FIXTURES / "en_retail.txt").read_text(encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "summarizer", "--max-sentences", "1", "--json", "-"],
        input=text,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert len(json.loads(proc.stdout)["sentences"]) == 1


def test_jsonl_batch_protocol() -> None:
    lines = [
        {"id": "a", "text": (FIXTURES / "zh_hans_retail.txt").read_text("utf-8"), "sentences": 3},
        {"id": "b", "text": "", "sentences": 3},
        {"id": "c", "text": (FIXTURES / "en_retail.txt").read_text("utf-8"), "sentences": 2},
    ]
    payload = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines) + "not json\n"
    proc = subprocess.run(
        [sys.executable, "-m", "summarizer", "--jsonl"],
        input=payload,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    out = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [o["id"] for o in out[:3]] == ["a", "b", "c"]
    assert out[0]["sentences"] and all(s in lines[0]["text"] for s in out[0]["sentences"])
    assert out[1]["sentences"] == [] and "error" in out[1]
    assert "error" in out[3]
    assert proc.stderr == ""  # no progress bar when stderr is not a terminal


def test_missing_file_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["/nonexistent/article.txt"]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_empty_input_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "empty.txt"
    f.write_text("  \n", encoding="utf-8")
    assert main([str(f)]) == 1
    assert "empty" in capsys.readouterr().err
