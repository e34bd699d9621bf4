from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import pytest

import summarizer.__main__ as cli
from summarizer.__main__ import EXAMPLE, main

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[1]
#: Guard against a hung child only; no assertion depends on how long anything takes.
GUARD = 60


def _run(
    *args: str, input: str | None = None, stdin: Any = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "summarizer", *args],
        input=input,
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=GUARD,
        cwd=ROOT,
        env=env,
    )


@pytest.fixture
def piped(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[bytes], None]]:
    """``piped(data)``: ``data`` on this process's stdin through a real pipe, as a shell
    pipes it in (in-process: the summarizer is loaded already; the pipe itself is read by
    a child in ``test_piped_stdin_is_read_without_a_dash``)."""
    opened: list[IO[str]] = []

    def pipe_in(data: bytes) -> None:
        read_end, write_end = os.pipe()
        with os.fdopen(write_end, "wb") as writer:  # small: fits the pipe's buffer
            writer.write(data)
        stdin = open(read_end, encoding="utf-8")  # noqa: SIM115 (closed after the test)
        opened.append(stdin)
        monkeypatch.setattr(sys, "stdin", stdin)

    yield pipe_in
    for stream in opened:
        stream.close()


class _Terminal:
    """A stand-in for an interactive stdin: a terminal, with nothing to read."""

    def isatty(self) -> bool:
        return True

    def read(self, *_: object) -> str:
        raise AssertionError("the demo must not read the terminal")


def test_bare_command_summarizes_the_example_and_says_so() -> None:
    proc = _run(stdin=subprocess.DEVNULL)  # nothing piped in: like a terminal
    assert proc.returncode == 0, proc.stderr
    assert "社群團購" in proc.stdout  # the example's own headline, in its own script
    assert "#WeChat" in proc.stdout
    assert proc.stderr.splitlines()[0].startswith("Example: " + str(EXAMPLE.relative_to(ROOT)))
    assert "Example" not in proc.stdout  # stdout stays the digest alone


def test_terminal_stdin_gets_the_demo(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", _Terminal())
    assert main([]) == 0
    captured = capsys.readouterr()
    assert "社群團購" in captured.out
    assert "zh_hant_retail.txt" in captured.err


def test_piped_stdin_is_read_without_a_dash() -> None:
    text = (FIXTURES / "en_retail.txt").read_text(encoding="utf-8")
    proc = _run("--json", input=text)
    assert proc.returncode == 0, proc.stderr
    d = json.loads(proc.stdout)
    assert d["language"] == "en"
    assert d["sentences"] and all(s in text for s in d["sentences"])
    assert "Example" not in proc.stderr


def test_piped_stdin_in_another_encoding(
    piped: Callable[[bytes], None], capsys: pytest.CaptureFixture[str]
) -> None:
    text = (FIXTURES / "zh_hans_retail.txt").read_text(encoding="utf-8")
    piped(text.encode("gb18030"))
    assert main(["--json"]) == 0
    assert json.loads(capsys.readouterr().out)["title"].startswith("钉钉上线")


def test_empty_piped_stdin_is_a_clear_error(
    piped: Callable[[bytes], None], capsys: pytest.CaptureFixture[str]
) -> None:
    piped(b"  \n")
    assert main([]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: stdin is empty")
    assert len(err.splitlines()) == 1


def test_file_and_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--json", str(FIXTURES / "zh_hans_retail.txt")]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["title"].startswith("钉钉上线")
    assert d["language"] == "zh-Hans"
    assert d["tags"][0] == "DingTalk"
    assert set(d) >= {"title", "sentences", "key_points", "tags", "language", "stats"}


def test_stdin_dash_and_options(
    piped: Callable[[bytes], None], capsys: pytest.CaptureFixture[str]
) -> None:
    text = (FIXTURES / "en_retail.txt").read_text(encoding="utf-8")
    piped(text.encode("utf-8"))
    assert main(["--max-sentences", "1", "--json", "-"]) == 0
    assert len(json.loads(capsys.readouterr().out)["sentences"]) == 1


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--max-sentences", "0"], "--max-sentences"),
        (["--max-sentences", "-2"], "--max-sentences"),
        (["--max-length", "-5"], "--max-length"),
        (["--max-length", "0"], "--max-length"),
        (["--max-sentences", "three"], "--max-sentences"),
    ],
)
def test_counts_below_one_are_refused(
    args: list[str], named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main([*args, str(FIXTURES / "en_retail.txt")])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {named}:" in err
    assert "Traceback" not in err


def test_plain_footer_names_its_unit(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(FIXTURES / "zh_hans_retail.txt")]) == 0
    zh = capsys.readouterr().out.splitlines()[-1]
    assert main([str(FIXTURES / "en_retail.txt")]) == 0
    en = capsys.readouterr().out.splitlines()[-1]
    assert main(["--json", str(FIXTURES / "zh_hans_retail.txt")]) == 0
    d_zh = json.loads(capsys.readouterr().out)["stats"]
    assert main(["--json", str(FIXTURES / "en_retail.txt")]) == 0
    d_en = json.loads(capsys.readouterr().out)["stats"]
    assert zh == f"[zh-Hans] {d_zh['input_length']} 字 → {d_zh['digest_length']} 字"
    assert en == f"[en] {d_en['input_length']} words → {d_en['digest_length']} words"


def test_jsonl_batch_protocol(
    piped: Callable[[bytes], None], capsys: pytest.CaptureFixture[str]
) -> None:
    lines: list[dict[str, Any]] = [
        {"id": "a", "text": (FIXTURES / "zh_hans_retail.txt").read_text("utf-8"), "sentences": 3},
        {"id": "b", "text": "", "sentences": 3},
        {"id": "c", "text": (FIXTURES / "en_retail.txt").read_text("utf-8"), "sentences": 2},
    ]
    payload = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines) + "not json\n"
    piped(payload.encode("utf-8"))
    assert main(["--jsonl"]) == 0
    captured = capsys.readouterr()
    out = [json.loads(x) for x in captured.out.splitlines()]
    assert [o["id"] for o in out[:3]] == ["a", "b", "c"]
    assert out[0]["sentences"] and all(s in lines[0]["text"] for s in out[0]["sentences"])
    assert out[1]["sentences"] == [] and "error" in out[1]
    assert "error" in out[3]
    assert captured.err == ""  # no progress bar when stderr is not a terminal


def test_jsonl_bad_lines_get_error_records_and_the_batch_goes_on(
    piped: Callable[[bytes], None], capsys: pytest.CaptureFixture[str]
) -> None:
    good = (FIXTURES / "en_retail.txt").read_text("utf-8")
    raw = [
        "[1]",
        '"x"',
        "3",
        "null",
        '{"id": "lone", "text": "\\ud800 ' + json.dumps(good)[1:-1] + '"}',
        '{"id": "\\udfff", "text": "\\ud83d"}',
        '{"id": "nt", "text": 5}',
        '{"id": "tr',  # cut off
        json.dumps({"id": "last", "text": good}),
    ]
    # the bytes as a shell pipes them (the last line not UTF-8), read through a real pipe
    piped(("\n".join(raw) + "\n").encode("utf-8") + b'{"id": "\xff\xfe"}\n')
    assert main(["--jsonl"]) == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    out = [json.loads(x) for x in captured.out.splitlines()]
    assert len(out) == len(raw) + 1  # one answer per line, none lost
    by_id = {o["id"]: o for o in out}
    for n in ("0", "1", "2", "3"):
        assert by_id[n]["sentences"] == [] and "object" in by_id[n]["error"]
    assert by_id["lone"]["sentences"] and "error" not in by_id["lone"]
    assert "error" in by_id["nt"]
    assert "bad JSON" in by_id["7"]["error"]
    piped((raw[-1] + "\n").encode("utf-8"))  # the good line alone: the same digest
    assert main(["--jsonl"]) == 0
    assert by_id["last"]["sentences"] == json.loads(capsys.readouterr().out)["sentences"]
    assert "bad JSON" in by_id["9"]["error"]  # not UTF-8
    assert all(isinstance(o["sentences"], list) for o in out)


def test_jsonl_record_survives_an_unexpected_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    import summarizer

    def broken(text: str, **_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(summarizer, "summarize", broken)
    recs = list(cli._jsonl(['{"id": "x", "text": "hello"}', '{"id": "y"}'], {}))
    assert [r["id"] for r in recs] == ["x", "y"]
    assert all(r["sentences"] == [] and "RuntimeError: boom" in r["error"] for r in recs)


def test_ctrl_c_exits_130_leaving_whole_lines() -> None:
    good = json.dumps({"id": "1", "text": (FIXTURES / "en_retail.txt").read_text("utf-8")})
    proc = subprocess.Popen(
        [sys.executable, "-m", "summarizer", "--jsonl"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    try:
        proc.stdin.write(good.encode() + b"\n")
        proc.stdin.flush()  # the batch goes on: stdin stays open, more may come
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stdout, selectors.EVENT_READ)
            assert sel.select(timeout=GUARD), "no answer to the first line"
        first = proc.stdout.readline()  # the first answer is out, flushed on its own
        assert json.loads(first)["id"] == "1"
        proc.send_signal(signal.SIGINT)  # while it waits for the next line
        assert proc.wait(timeout=GUARD) == 130
        rest = proc.stdout.read()
        err = proc.stderr.read().decode("utf-8", "replace")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            stream.close()
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    for line in (first + rest).decode("utf-8").splitlines(keepends=True):
        assert line.endswith("\n")
        json.loads(line)


def test_missing_file_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["/nonexistent/article.txt"]) == 2  # unchanged since the first CLI
    err = capsys.readouterr().err
    assert err.startswith("error: cannot read /nonexistent/article.txt")
    assert len(err.splitlines()) == 1


def test_a_directory_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path)]) == 2  # like a missing file
    err = capsys.readouterr().err
    assert err.startswith(f"error: cannot read {tmp_path}") and len(err.splitlines()) == 1


@pytest.mark.parametrize("url", ["ftp://example.com/a.txt", "http://127.0.0.1:1/a"])
def test_unreadable_link_is_one_line(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([url]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("error: cannot summarize the link")
    assert len(captured.err.splitlines()) == 1
    assert captured.out == ""


def test_empty_input_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "empty.txt"
    f.write_text("  \n", encoding="utf-8")
    assert main([str(f)]) == 1
    assert "empty" in capsys.readouterr().err


def test_unexpected_failure_is_one_line_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import summarizer

    def broken(text: str, **_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(summarizer, "summarize", broken)
    assert main([str(FIXTURES / "en_retail.txt")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: unexpected failure (RuntimeError: boom)")
    assert len(err.splitlines()) == 1
