"""parse_feed and discover_feeds on feeds written for these tests (tests/fixtures/feeds).

The "real-world shapes" cases reproduce the shapes of feeds in feedparser's own
test suite (a comment before the root, a DOCTYPE with an entity, naked markup,
a stray DOCTYPE html, undeclared GB2312, a cut-off document) with our own text.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reader.errors import FeedError
from reader.feedlimits import MAX_FEED_ENTITIES, MAX_FEED_TAGS, MAX_TAG_BYTES, bounded_xml
from reader.feeds import MAX_FEED_ITEMS, Feed, discover_feeds, parse_feed
from reader.feedtext import html_to_text

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"
URL = "https://feeds.example/path/feed.xml"


def _parse(name: str, **kwargs: str) -> Feed:
    return parse_feed((FIXTURES / name).read_bytes(), url=kwargs.pop("url", URL), **kwargs)


def test_rss20_with_content_encoded() -> None:
    feed = _parse("rss20_content.xml")
    assert feed.kind == "rss"
    assert feed.title == "Lantern & Gear <Tech>"  # <Tech> is no HTML tag: kept as written
    assert feed.site_url == "https://feeds.example/"
    assert feed.ttl_seconds == 3600
    first, second, future = feed.items
    assert first.key == "lantern-2026-0001"  # the guid as written, not resolved as a URL
    assert first.url == "https://feeds.example/2026/12/chip-plant?ref=rss&src=feed"
    assert first.title == "Chipmaker opens a plant in Suzhou"  # tags and script gone
    assert first.published == datetime(2026, 12, 1, 1, 15, tzinfo=UTC)
    assert first.content is not None
    assert first.content.splitlines() == [
        "The plant will employ 1,200 people.",
        "Production starts in 2027.",
        "first line",
        "second line",
    ]
    assert "track" not in first.content and "p{}" not in first.content
    assert first.summary == "A short teaser & more."
    assert second.key == second.url == "https://other.example/battery"
    assert future.url is None  # javascript: is not a link
    assert future.published == datetime(2100, 1, 1, tzinfo=UTC)  # the future, as the feed says


def test_rss091_with_netscape_doctype_and_latin1() -> None:
    feed = _parse("rss091.xml")
    assert (feed.kind, feed.title) == ("rss", "Harbour Notes")
    assert feed.items[0].title == "Crane seven back in service — café reopens"
    assert feed.items[0].published is None
    assert feed.items[1].summary is None


def test_rss10_rdf_dates_in_utc() -> None:
    feed = _parse("rss10.rdf")
    assert feed.kind == "rss"
    assert [i.url for i in feed.items] == [
        "https://ministry.example/press/2026/41",
        "https://ministry.example/press/2026/40",
    ]
    assert feed.items[0].published == datetime(2026, 11, 30, 0, 30, tzinfo=UTC)


def test_atom_xml_base_xhtml_content_and_updated_only() -> None:
    feed = _parse("atom.xml")
    assert (feed.kind, feed.title, feed.site_url) == (
        "atom",
        "Orchard Robotics blog",
        "https://blog.example/",
    )
    post, updated = feed.items
    assert post.url == "https://blog.example/posts/picking-arm"  # xml:base, not the feed URL
    assert post.key == "tag:blog.example,2026:post-17"
    assert post.published == datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # published beats updated
    assert post.content == (
        "The arm was tested in three orchards.\nIt bruised fewer apples than people did."
    )
    assert post.summary == "Field trials ended in November."
    assert updated.published == datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    assert updated.content == "Escaped HTML content."
    assert updated.summary is None  # feedparser's copy of the content is not a summary


def test_json_feed() -> None:
    feed = _parse("feed.json", url="https://kettle.example/feed.json")
    assert (feed.kind, feed.title, feed.site_url) == (
        "json",
        "Kettle Weekly",
        "https://kettle.example/",
    )
    assert len(feed.items) == 3  # the string entry is skipped
    tea, auction, bare = feed.items
    assert tea.url == "https://kettle.example/issues/48"
    assert tea.content == "Exports rose by 4%.\nGreen tea led."
    assert tea.published == datetime(2026, 11, 30, 22, 0, tzinfo=UTC)
    assert auction.key == "47" and auction.url == "https://news.example/tea-auction"
    assert auction.content == "A plain text item\nwith two lines."
    assert auction.title is None
    assert bare.key == "h:" + hashlib.sha1(b"No id, no link\x00").hexdigest()


def test_declared_gb2312_and_header_big5() -> None:
    gb = _parse("gb2312.xml")
    assert gb.title == "示例财经快讯"
    assert gb.items[0].summary == "十一月集装箱吞吐量同比增长百分之八。"
    big5 = _parse("big5.xml", content_type="application/rss+xml", charset="big5")
    assert big5.items[0].title == "半導體出口連續三個月成長"


def test_bozo_feed_is_used() -> None:
    feed = _parse("bozo.xml")
    assert feed.title == "Broken but readable"
    assert [i.title for i in feed.items] == ["Fish & chips prices climb", "Second item survives"]
    assert feed.items[0].url == "https://broken.example/fish?a=1&b=2"


def test_items_without_link_date_or_title() -> None:
    items = _parse("no_fields.xml").items
    assert [i.title for i in items] == [None, "Only a title", None, "Title and date", "Bad date"]
    assert items[0].key.startswith("h:") and items[0].summary == "Only a description here."
    assert items[2].key == "https://sparse.example/only-link"
    assert items[3].published == datetime(2026, 11, 29, 7, 0, tzinfo=UTC)
    assert items[4].published is None
    assert len({i.key for i in items}) == len(items)


def test_keys_are_stable_across_fetches_and_feed_moves() -> None:
    body = (FIXTURES / "no_fields.xml").read_bytes()
    one = parse_feed(body, url="https://a.example/feed")
    two = parse_feed(body, url="https://b.example/moved/feed")
    assert [i.key for i in one.items] == [i.key for i in two.items]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "not_feed"),
        (b"   \n", "not_feed"),
        (b"<!doctype html><html><body><p>Hello</p></body></html>", "not_feed"),
        (b"just some text, no markup", "not_feed"),
        (b'{"version": "1.0", "items": []}', "not_feed"),
        (b'{"version": "https://jsonfeed.org/version/1", "items": [', "unreadable"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not_feed"),
        (b'<?xml version="1.0"?><nofeed><<<', "unreadable"),
    ],
)
def test_not_a_feed_is_a_clear_error(body: bytes, reason: str) -> None:
    with pytest.raises(FeedError) as caught:
        parse_feed(body, url=URL)
    assert caught.value.reason == reason


def test_feedparser_never_opens_a_path_or_a_url(tmp_path: Path) -> None:
    secret = tmp_path / "secret.xml"
    secret.write_bytes(b'<rss version="2.0"><channel><title>LEAKED</title></channel></rss>')
    with pytest.raises(FeedError):
        parse_feed(str(secret).encode(), url=URL)  # bytes naming a file are not that file
    with pytest.raises(FeedError):
        parse_feed(b"http://127.0.0.1:9/feed.xml", url=URL)


def _big_rss(n: int) -> bytes:
    items = "".join(
        f"<item><title>Story {i}</title><link>/s/{i}</link><guid>g{i}</guid></item>"
        for i in range(n)
    )
    return f'<rss version="2.0"><channel><title>Big</title>{items}</channel></rss>'.encode()


def test_a_huge_feed_is_capped_to_its_first_items() -> None:
    # four tags an item: over the tag cap too, and the item cap still cuts first
    feed = parse_feed(_big_rss(MAX_FEED_TAGS // 4 + 1000), url=URL)
    assert len(feed.items) == MAX_FEED_ITEMS
    assert feed.title == "Big"
    assert feed.items[0].key == "g0" and feed.items[-1].key == f"g{MAX_FEED_ITEMS - 1}"


def test_a_huge_atom_and_json_feed_are_capped() -> None:
    entries = "".join(f"<entry><id>e{i}</id><title>T{i}</title></entry>" for i in range(2000))
    atom = f'<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>{entries}</feed>'
    assert len(parse_feed(atom.encode(), url=URL).items) == MAX_FEED_ITEMS
    items = ",".join(f'{{"id": "{i}", "title": "T{i}"}}' for i in range(2000))
    doc = f'{{"version": "https://jsonfeed.org/version/1.1", "items": [{items}]}}'
    assert len(parse_feed(doc.encode(), url=URL).items) == MAX_FEED_ITEMS


def _tag_heavy_rss(per_item: int) -> bytes:
    filler = "<x>y</x>" * per_item
    items = "".join(f"<item><guid>g{i}</guid>{filler}</item>" for i in range(100))
    return f'<rss version="2.0"><channel><title>T</title>{items}</channel></rss>'.encode()


def test_too_many_tags_cut_to_the_items_before_them() -> None:
    """The bytes feedparser is given end before the item in which the tag cap is passed.

    At the real cap that is checked on the cut bytes (regular expressions: milliseconds);
    feedparser reading them would take most of a second, so the feed parsed end to end
    gets the same cut with a cap a hundred times smaller.
    """
    cut, _ = bounded_xml(_tag_heavy_rss(1000))
    kept = re.findall(rb"<guid>(g\d+)</guid>", cut)
    assert 0 < len(kept) < 100
    assert len(kept) * 1000 <= MAX_FEED_TAGS
    assert kept == [b"g%d" % i for i in range(len(kept))]
    assert cut.endswith(b"</x></item></channel></rss>")  # cut at an item, the root closed

    cap = MAX_FEED_TAGS // 100
    feed = parse_feed(_tag_heavy_rss(cap // 10), url=URL, max_tags=cap)
    assert 0 < len(feed.items) < 100
    assert len(feed.items) * (cap // 10) <= cap
    assert [i.key for i in feed.items] == [f"g{i}" for i in range(len(feed.items))]


@pytest.mark.parametrize(
    "body",
    [
        b'<rss version="2.0"><channel><item><title>a</title><description>'
        + b"<b>x " * (MAX_FEED_TAGS + 10)
        + b"</description></item></channel></rss>",
        b'<rss version="2.0"><channel><item><title>a</title><description>'
        + b"&lt;b&gt;" * (MAX_FEED_ENTITIES // 2 + 10)
        + b"</description></item></channel></rss>",
        b'<rss version="2.0"><channel><item '
        + b" ".join(b'a%d="v"' % i for i in range(MAX_TAG_BYTES // 4))
        + b"><title>a</title></item></channel></rss>",
        b'<rss version="2.0"><channel><item>' + b"<a>" * (MAX_FEED_TAGS + 10),
    ],
    ids=["one-item-full-of-tags", "entity-flood", "huge-tag", "deep-nesting"],
)
def test_hostile_feeds_are_refused_not_parsed_for_minutes(body: bytes) -> None:
    with pytest.raises(FeedError) as caught:
        parse_feed(body, url=URL)
    assert caught.value.reason == "unreadable"


def test_utf16_feed_is_read_and_capped() -> None:
    body = (
        _big_rss(MAX_FEED_ITEMS + 50)
        .decode()
        .replace("<rss", '<?xml version="1.0" encoding="utf-16"?><rss', 1)
    )
    feed = parse_feed(body.encode("utf-16"), url=URL)
    assert len(feed.items) == MAX_FEED_ITEMS


# Shapes of real feeds in feedparser's own test suite, with our own words.
REAL_SHAPES: dict[str, tuple[bytes, str | None, str | None]] = {
    "comment-before-root": (
        b'<!--\n  a generator\'s banner\n-->\n<rss version="2.0"><channel>'
        b"<title>Banner feed</title><item><title>First</title></item></channel></rss>",
        "Banner feed",
        "First",
    ),
    "doctype-entity": (
        b'<!DOCTYPE rss [\n  <!ENTITY where "Dock 4">\n]>\n<rss version="2.0"><channel>'
        b"<title>Yard</title><item><title>Meet at &where;</title>"
        b"<guid isPermaLink='false'>yard-1</guid></item></channel></rss>",
        "Yard",
        "Meet at Dock 4",
    ),
    "naked-markup-description": (
        b'<rss version="2.0"><channel><title>Naked</title><item><title>Item</title>'
        b"<description><p>Body <em>text</em></p></description></item></channel></rss>",
        "Naked",
        "Item",
    ),
    "stray-xhtml-doctype": (
        b'<?xml version="1.0" encoding="utf-8"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML'
        b' 1.0 Transitional//EN" "http://site.invalid/">\n<rss><channel><title>Found it</title>'
        b"<item><title>Odd doctype</title></item></channel></rss>\n",
        "Found it",
        "Odd doctype",
    ),
    "undeclared-gb2312": (
        "<rss>\n<channel>\n<title>无声明编码</title><item>\n<title>港口集装箱吞吐量创新高</title>\n"
        "</item>\n</channel>\n</rss>\n".encode("gb2312"),
        "无声明编码",
        "港口集装箱吞吐量创新高",
    ),
    "cut-off-end-tag": (
        b'<rss version="2.0">\n  <channel>\n    <title>Cut</title>\n    <item>\n'
        b"      <link>http://link.example/get?a=1&amp;b=2</link>\n    </item>\n  </channel>\n</rss",
        "Cut",
        None,
    ),
    "rss090": (
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        b'xmlns="http://my.netscape.com/rdf/simple/0.9/"><channel><title>Old</title>'
        b"<link>http://old.example/</link></channel><item><title>Very old item</title>"
        b"<link>http://old.example/1</link></item></rdf:RDF>",
        "Old",
        "Very old item",
    ),
}


@pytest.mark.parametrize("shape", sorted(REAL_SHAPES))
def test_real_world_shapes(shape: str) -> None:
    body, title, first = REAL_SHAPES[shape]
    feed = parse_feed(body, url="http://shapes.example/feed")
    assert feed.title == title
    assert feed.items, "every shape has an item"
    assert feed.items[0].title == first
    if shape == "cut-off-end-tag":
        assert feed.items[0].url == "http://link.example/get?a=1&b=2"
    if shape == "naked-markup-description":
        assert feed.items[0].summary == "Body text"


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<b>Bold</b> &amp; <i>italic</i>", "Bold & italic"),
        ("<script>alert(1)</script>Safe", "Safe"),
        ("<p>one</p><p>two</p>", "one\ntwo"),
        ("line<br>break", "line\nbreak"),
        ("<!-- hidden -->shown", "shown"),
        ("&lt;b&gt; stays text", "<b> stays text"),
        ("", ""),
    ],
)
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text


def test_plain_text_that_only_looks_like_markup_is_kept() -> None:
    assert html_to_text("a < b and c > d", plain=True) == "a < b and c > d"
    assert html_to_text("R&D <Tech>", plain=True) == "R&D <Tech>"
    assert html_to_text("<b>x</b>", plain=True) == "x"


def test_discovery_in_page_order_with_base_href() -> None:
    page = (FIXTURES / "page_with_feeds.html").read_bytes()
    assert discover_feeds(page, url="https://news.example/") == [
        "https://cdn.example/site/feeds/all.xml",
        "https://cdn.example/atom",
        "https://news.example/feed.json",
    ]


@pytest.mark.parametrize(
    ("page", "found"),
    [
        (b"<html><head><title>none</title></head></html>", []),
        (b"", []),
        (b"\x00\x01\x02binary", []),
        (
            b'<link rel="alternate" type="application/rss+xml" href="rss.xml">',
            ["https://site.example/dir/rss.xml"],
        ),
        (
            b'<?xml version="1.0" encoding="utf-8"?><html><head><link rel="alternate" '
            b'type="application/atom+xml" href="//cdn.example/a.xml"/></head></html>',
            ["https://cdn.example/a.xml"],
        ),
        (
            '<html><head><meta charset="gbk"><link rel="alternate" '
            'type="application/rss+xml" title="新闻" href="/订阅.xml"></head></html>'.encode("gbk"),
            ["https://site.example/订阅.xml"],
        ),
        (b'<link rel="alternate" type="application/rss+xml" href="http://[bad">', []),
    ],
)
def test_discovery_edge_cases(page: bytes, found: list[str]) -> None:
    assert discover_feeds(page, url="https://site.example/dir/page") == found


def test_a_guid_listed_twice_is_one_item() -> None:
    body = (
        b'<rss version="2.0"><channel><title>T</title>'
        b"<item><guid>same</guid><title>First copy</title></item>"
        b"<item><guid>other</guid><title>Other</title></item>"
        b"<item><guid>same</guid><title>Second copy</title></item></channel></rss>"
    )
    items = parse_feed(body, url=URL).items
    assert [(i.key, i.title) for i in items] == [("same", "First copy"), ("other", "Other")]


def test_html_doctype_before_an_rss_root_is_still_a_feed() -> None:
    body = b'<!DOCTYPE html>\n<rss version="2.0"><channel><title>Odd</title></channel></rss>'
    assert parse_feed(body, url=URL).title == "Odd"


def test_entities_are_not_expanded() -> None:
    entities = "".join(f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, 9))
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY e0 "ha">{entities}'
        '<!ENTITY file SYSTEM "file:///etc/hostname">]><rss version="2.0"><channel>'
        "<title>&e8;</title><item><title>&file;</title></item></channel></rss>"
    ).encode()
    feed = parse_feed(body, url=URL)
    assert feed.title == "&e8;"  # a billion laughs stays its name, unexpanded
    assert feed.items[0].title == "&file;"  # and no file is read


def test_a_flat_entity_is_expanded_only_while_the_expansion_stays_small() -> None:
    def feed_with(value_length: int, uses: int) -> bytes:
        return (
            f'<!DOCTYPE rss [\n  <!ENTITY w "{"w" * value_length}">\n]>\n'
            '<rss version="2.0"><channel>'
            f"<title>Wharf</title><item><title>{'&w;' * uses}</title>"
            "<guid isPermaLink='false'>wharf-1</guid></item></channel></rss>"
        ).encode()

    few = parse_feed(feed_with(10, 3), url=URL)
    assert few.items[0].title == "w" * 30  # a real feed's entity, as feedparser expands it
    # 3 000 characters referenced 2 000 times would add 6 MB: the subset is dropped
    many = parse_feed(feed_with(3000, 2000), url=URL)
    assert "w" * 3000 not in (many.items[0].title or "")
