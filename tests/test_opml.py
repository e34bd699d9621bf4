"""parse_opml / write_opml on lists written for these tests (tests/fixtures/feeds)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.errors import FeedError
from reader.opml import MAX_OPML_BYTES, MAX_OPML_FEEDS, OpmlFeed, parse_opml, write_opml

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"


def test_nested_outlines_deduplicated_http_only() -> None:
    feeds = parse_opml((FIXTURES / "subscriptions.opml").read_bytes())
    assert feeds == [
        OpmlFeed("https://lantern.example/feed.xml", "Lantern & Gear"),
        OpmlFeed("https://blog.example/atom.xml", "Orchard"),  # xmlurl, text only
        OpmlFeed("https://kettle.example/feed.json", "Kettle Weekly"),  # title beats text
        OpmlFeed("https://spaced.example/rss", "Spaced name"),
    ]


def test_opml_1_0_without_declaration() -> None:
    body = (
        b'<opml version="1.0"><head/><body><outline text="One" type="rss" '
        b'xmlUrl="http://one.example/rss"/></body></opml>'
    )
    assert parse_opml(body) == [OpmlFeed("http://one.example/rss", "One")]


def test_gb2312_declared_opml() -> None:
    text = (
        '<?xml version="1.0" encoding="GB2312"?><opml version="2.0"><body>'
        '<outline text="财经快讯" xmlUrl="https://caijing.example/rss"/></body></opml>'
    )
    assert parse_opml(text.encode("gb2312")) == [
        OpmlFeed("https://caijing.example/rss", "财经快讯")
    ]


def test_empty_opml_is_an_empty_list() -> None:
    assert parse_opml(b'<opml version="2.0"><head/><body/></opml>') == []


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not xml at all",
        b'<rss version="2.0"><channel><title>a feed, not a list</title></channel></rss>',
        b"<html><body><a href='x'>page</a></body></html>",
        b"\x89PNG\r\n\x1a\n\x00\x00",
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
        b'<opml><body><outline xmlUrl="http://x.example/&b;"/></body></opml>',
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY ext SYSTEM "file:///etc/passwd">]>'
        b'<opml><body><outline text="&ext;" xmlUrl="http://x.example/"/></body></opml>',
    ],
    ids=["empty", "text", "rss", "html", "binary", "entity-expansion", "external-entity"],
)
def test_not_opml(body: bytes) -> None:
    with pytest.raises(FeedError) as caught:
        parse_opml(body)
    assert caught.value.reason == "not_opml"


def test_too_large_is_refused() -> None:
    with pytest.raises(FeedError):
        parse_opml(b"<opml><body>" + b" " * MAX_OPML_BYTES + b"</body></opml>")


def test_capped_at_max_feeds() -> None:
    outlines = "".join(
        f'<outline text="f{i}" xmlUrl="https://f.example/{i}"/>' for i in range(MAX_OPML_FEEDS + 50)
    )
    feeds = parse_opml(f'<opml version="2.0"><body>{outlines}</body></opml>'.encode())
    assert len(feeds) == MAX_OPML_FEEDS
    assert feeds[-1].url == f"https://f.example/{MAX_OPML_FEEDS - 1}"


def test_cut_off_file_keeps_what_was_read() -> None:
    body = b'<opml version="2.0"><body><outline text="a" xmlUrl="https://a.example/"/><outl'
    assert parse_opml(body) == [OpmlFeed("https://a.example/", "a")]


def test_write_escapes_everything_and_round_trips() -> None:
    feeds = [
        OpmlFeed('https://a.example/rss?x=1&y="2"<3>', 'Quotes " & <b>tags</b> \x01 bell'),
        OpmlFeed("https://b.example/feed", None),
        OpmlFeed("https://c.example/订阅", "中文名称"),
    ]
    data = write_opml(feeds, title="Chat <42> & friends")
    root = ET.fromstring(data)  # another reader: the standard library's
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title") == "Chat <42> & friends"
    outlines = root.findall("body/outline")
    assert [o.get("xmlUrl") for o in outlines] == [f.url for f in feeds]
    assert all(o.get("type") == "rss" for o in outlines)
    assert parse_opml(data) == [
        OpmlFeed(feeds[0].url, 'Quotes " & <b>tags</b> bell'),  # control character dropped
        OpmlFeed("https://b.example/feed", "https://b.example/feed"),  # named by its URL
        OpmlFeed("https://c.example/订阅", "中文名称"),
    ]


@given(
    st.lists(
        st.tuples(
            st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
            st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
        ),
        max_size=8,
    )
)
def test_write_always_produces_xml_parse_opml_reads(pairs: list[tuple[str, str]]) -> None:
    feeds = [
        OpmlFeed(f"https://p.example/{i}?q={path}", title or None)
        for i, (path, title) in enumerate(pairs)
    ]
    data = write_opml(feeds, title="t")
    ET.fromstring(data)
    read = parse_opml(data)
    assert [f.url.split("?")[0] for f in read] == [
        f"https://p.example/{i}" for i in range(len(read))
    ]
    assert len(read) <= len(feeds)
