"""The fake Bot API is only a good test oracle if it rejects what Telegram rejects."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.fakes.telegram_html import EntityParseError, parse_html
from tests.fakes.telegram_server import TOKEN, FakeTelegram


@pytest.mark.parametrize(
    ("html", "plain"),
    [
        ("plain text > fine", "plain text > fine"),
        (
            "<b>bold</b> <strong>s</strong> <i>i</i> <em>e</em> <u>u</u> <ins>n</ins>",
            "bold s i e u n",
        ),
        ("<s>a</s><strike>b</strike><del>c</del><code>d</code><pre>e</pre>", "abcde"),
        ('<a href="https://t.me/c/1/2?a=1&amp;b=2">link</a>', "link"),
        ('<tg-spoiler>x</tg-spoiler><span class="tg-spoiler">y</span>', "xy"),
        ('<blockquote>q</blockquote><pre><code class="language-py">x</code></pre>', "qx"),
        ("&lt;&gt;&amp;&quot;&#39;&#x1F600;", "<>&\"'😀"),
        ("<B>upper</B>", "upper"),
    ],
)
def test_accepts_telegram_html(html: str, plain: str) -> None:
    assert parse_html(html) == plain


@pytest.mark.parametrize(
    "html",
    [
        "5 < 6",
        "AT&T",
        "&nbsp;",
        "&#0;",
        "<b>unclosed",
        "</b>",
        "<b><i>x</b></i>",
        "<script>x</script>",
        "<p>para</p>",
        "<br/>",
        "<span>x</span>",
        '<span class="other">x</span>',
        "<b",
    ],
)
def test_rejects_what_telegram_rejects(html: str) -> None:
    with pytest.raises(EntityParseError):
        parse_html(html)


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


def api(fake: FakeTelegram, method: str, **params: object) -> httpx.Response:
    return httpx.post(f"{fake.base_url}{TOKEN}/{method}", data=params, timeout=10)


def test_send_message_errors_look_like_telegrams(fake: FakeTelegram) -> None:
    fake.chat(5)
    bad = api(fake, "sendMessage", chat_id=5, text="<b>x", parse_mode="HTML").json()
    assert bad["error_code"] == 400
    assert bad["description"].startswith("Bad Request: can't parse entities: ")
    long = api(fake, "sendMessage", chat_id=5, text="<b>" + "x" * 4097 + "</b>", parse_mode="HTML")
    assert long.json()["description"] == "Bad Request: message is too long"
    fits = api(fake, "sendMessage", chat_id=5, text="&amp;" * 4096, parse_mode="HTML")
    assert fits.json()["ok"]  # the limit counts text after entity parsing
    empty = api(fake, "sendMessage", chat_id=5, text="<b> </b>", parse_mode="HTML")
    assert empty.json()["description"] == "Bad Request: message text is empty"
    assert api(fake, "sendMessage", chat_id=6, text="x").json()["description"] == (
        "Bad Request: chat not found"
    )


def test_injected_429_carries_retry_after_and_403_sticks(fake: FakeTelegram) -> None:
    fake.chat(5)
    fake.fail("sendMessage", 429, chat_id=5, retry_after=3)
    limited = api(fake, "sendMessage", chat_id=5, text="x")
    assert limited.status_code == 429
    assert limited.json()["parameters"] == {"retry_after": 3}
    assert api(fake, "sendMessage", chat_id=5, text="x").json()["ok"]  # only once
    fake.block(5)
    for _ in range(2):
        assert api(fake, "sendMessage", chat_id=5, text="x").status_code == 403


def test_get_updates_long_polls_and_offsets_confirm(fake: FakeTelegram) -> None:
    started = time.monotonic()
    assert api(fake, "getUpdates", timeout=0).json()["result"] == []
    timer = threading.Timer(0.2, fake.send, args=(5, "hello"))
    timer.start()
    try:
        got = api(fake, "getUpdates", timeout=5).json()["result"]  # returns once it arrives
    finally:
        timer.join()
    assert [u["update_id"] for u in got] == [1]
    assert time.monotonic() - started < 4
    fake.send(5, "again")
    assert [u["update_id"] for u in api(fake, "getUpdates", offset=1).json()["result"]] == [1, 2]
    assert [u["update_id"] for u in api(fake, "getUpdates", offset=2).json()["result"]] == [2]
    assert fake.pending_updates() == 1


def test_files_can_be_fetched(fake: FakeTelegram) -> None:
    fake.add_file("doc-1", b"%PDF-1.4 fake", "documents/file_1.pdf")
    info = api(fake, "getFile", file_id="doc-1").json()["result"]
    assert info["file_size"] == len(b"%PDF-1.4 fake")
    body = httpx.get(f"{fake.base_file_url}{TOKEN}/{info['file_path']}", timeout=10)
    assert body.content == b"%PDF-1.4 fake"
    assert httpx.get(f"{fake.base_file_url}{TOKEN}/nope", timeout=10).status_code == 404


def test_multipart_and_json_bodies_are_understood(fake: FakeTelegram) -> None:
    fake.chat(5)
    multi = httpx.post(
        f"{fake.base_url}{TOKEN}/sendMessage",
        data={"chat_id": "5", "text": "多部分"},
        files={"unused": ("a.txt", b"x")},
        timeout=10,
    )
    assert multi.json()["result"]["text"] == "多部分"
    as_json = httpx.post(
        f"{fake.base_url}{TOKEN}/sendMessage", json={"chat_id": 5, "text": "json"}, timeout=10
    )
    assert as_json.json()["result"]["text"] == "json"
    wrong = httpx.post(f"{fake.base_url}123:wrong/getMe", timeout=10)
    assert wrong.status_code == 401


def test_a_held_request_waits_then_is_answered_or_dropped(fake: FakeTelegram) -> None:
    fake.chat(5)
    hold = fake.hold_when(lambda method, params: params.get("text") == "held")
    with ThreadPoolExecutor(2) as pool:
        answered = pool.submit(api, fake, "sendMessage", chat_id=5, text="held")
        assert hold.arrived.wait(10)
        assert hold.method == "sendMessage" and hold.params["chat_id"] == 5
        assert api(fake, "sendMessage", chat_id=5, text="other").json()["ok"]  # others go on
        assert not answered.done() and [c.text for c in fake.sent(5)] == ["other"]
        hold.release()
        assert answered.result(10).json()["result"]["message_id"] == 2
        # only the first match is held; a second hold drops its request unanswered
        dropped = fake.hold_when(lambda method, params: params.get("text") == "held")
        lost = pool.submit(api, fake, "sendMessage", chat_id=5, text="held")
        assert dropped.arrived.wait(10)
        dropped.drop()
        with pytest.raises(httpx.RemoteProtocolError):
            lost.result(10)
    assert [c.text for c in fake.sent(5)] == ["other", "held"]  # the dropped one: nothing
