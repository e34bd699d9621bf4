from __future__ import annotations

from summarizer.segment import parse, split_sentences


def test_chinese_final_sentence_without_terminator_is_kept() -> None:
    assert split_sentences("第一句话。第二句话没有句号") == ["第一句话。", "第二句话没有句号"]


def test_chinese_splits_on_semicolons_and_keeps_closing_quotes() -> None:
    line = "他说：“明年继续扩张。”随后离场；会议结束！"
    assert split_sentences(line) == ["他说：“明年继续扩张。”", "随后离场；", "会议结束！"]


def test_english_abbreviations_initials_and_decimals_do_not_split() -> None:
    line = (
        "Mr. Smith said profits rose 3.5% in the U.S. market. "
        "George W. Bush was not mentioned. Shares fell."
    )
    assert split_sentences(line) == [
        "Mr. Smith said profits rose 3.5% in the U.S. market.",
        "George W. Bush was not mentioned.",
        "Shares fell.",
    ]


def test_english_semicolon_does_not_split() -> None:
    assert split_sentences("Sales rose; costs fell. Margins grew.") == [
        "Sales rose; costs fell.",
        "Margins grew.",
    ]


def test_run_on_text_is_cut_into_verbatim_clauses() -> None:
    line = "，".join(f"第{i}个门店的销售额持续增长" for i in range(60))
    parts = split_sentences(line)
    assert len(parts) > 1
    assert all(p in line for p in parts)
    assert all(len(p) < 200 for p in parts)


def test_parse_finds_title_headings_and_skips_furniture(zh_hans_article: str) -> None:
    article = parse(zh_hans_article)
    assert article.title == "钉钉上线门店排班功能，瞄准中小零售商家"
    texts = [s.text for s in article.sentences]
    assert not any("首页" in t or "王小明" in t or "相关阅读" in t for t in texts)
    assert not any("企业微信发布新版本" in t for t in texts)


def test_no_title_when_first_line_is_a_paragraph() -> None:
    article = parse("公司发布了三季度财报，营收同比增长12%。\n管理层表示将继续投入研发。")
    assert article.title is None
    assert len(article.sentences) == 2


def test_short_unpunctuated_lines_are_headings_not_sentences() -> None:
    text = "年度回顾\n\n门店数字化加速\n\n今年门店数字化明显加速，多数商家上线了小程序。"
    article = parse(text)
    kinds = [b.kind for b in article.blocks]
    assert kinds.count("heading") == 1
    assert [s.text for s in article.sentences] == ["今年门店数字化明显加速，多数商家上线了小程序。"]
