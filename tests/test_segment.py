from __future__ import annotations

from summarizer.segment import parse, split_sentences


def test_chinese_final_sentence_without_terminator_is_kept() -> None:
    assert split_sentences("第一句话。第二句话没有句号") == ["第一句话。", "第二句话没有句号"]


def test_chinese_keeps_closing_quotes_and_splits_independent_semicolon_clauses() -> None:
    line = "他说：“明年继续扩张。”公司三季度营收同比增长两成；海外市场的订单数量创下历史新高！"
    assert split_sentences(line) == [
        "他说：“明年继续扩张。”",
        "公司三季度营收同比增长两成；",
        "海外市场的订单数量创下历史新高！",
    ]


def test_semicolon_series_after_a_colon_lead_in_stays_one_sentence() -> None:
    line = "本次更新包括：支持多语言界面和深色模式；大幅优化冷启动速度；修复若干已知的同步问题。"
    assert split_sentences(line) == [line]


def test_a_series_of_parallel_semicolon_clauses_stays_one_sentence() -> None:
    line = (
        "联想出货量位居第一，同比增长百分之三；惠普排名第二，出货量基本持平；"
        "戴尔位列第三，出货量同比下降百分之四。"
    )
    assert split_sentences(line) == [line]


def test_numbered_clauses_separated_by_semicolons_stay_one_sentence() -> None:
    line = "利润下滑主要由于1）新产品的推广费用大幅增加；2）核心市场的竞争持续加剧。"
    assert split_sentences(line) == [line]
    line2 = "营收增长来自两方面：（1）门店数量增加；（2）客单价提升。"
    assert split_sentences(line2) == [line2]


def test_semicolon_clause_leaning_on_the_previous_one_is_not_cut_off() -> None:
    line = "公司今年营收大幅增长，利润创下历史新高；但是现金流依然紧张，管理层计划继续融资。"
    assert split_sentences(line) == [line]


def test_short_semicolon_fragments_are_not_sentences() -> None:
    assert split_sentences("随后离场；会议结束！") == ["随后离场；会议结束！"]


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


def test_list_numbers_are_never_sentences_of_their_own() -> None:
    text = (
        "1. Revenue rose 12% in the third quarter.\n"
        "2. Margins fell for the second year.\n"
        "3. The company raised its outlook."
    )
    article = parse(text)
    texts = [s.text for s in article.sentences]
    assert texts == [
        "1. Revenue rose 12% in the third quarter.",
        "2. Margins fell for the second year.",
        "3. The company raised its outlook.",
    ]
    inline = "1. Revenue rose. 2. Margins fell. 3. Costs grew."
    assert split_sentences(inline) == ["1. Revenue rose.", "2. Margins fell.", "3. Costs grew."]


def test_numbered_item_inside_a_sentence_does_not_end_it() -> None:
    line = "The plan has two parts: 1. Cut costs, 2. Raise prices. Investors approved."
    assert split_sentences(line) == [
        "The plan has two parts: 1. Cut costs, 2. Raise prices.",
        "Investors approved.",
    ]
    # a number that ends a sentence is still an ending
    assert split_sentences("It finished in the top 10. Next year it won.") == [
        "It finished in the top 10.",
        "Next year it won.",
    ]


def test_period_inside_closing_quote_ends_an_english_sentence() -> None:
    assert split_sentences('He said "We will stop." Then he left.') == [
        'He said "We will stop."',
        "Then he left.",
    ]


def test_repeated_abbreviations_on_one_line_still_split_correctly() -> None:
    line = "Mr. Lee of the U.S. unit spoke. " * 300
    parts = split_sentences(line)
    assert parts == ["Mr. Lee of the U.S. unit spoke."] * 300
    assert split_sentences("a. B" * 500)[:3] == ["a.", "Ba.", "Ba."]


def test_question_subheadings_are_headings_not_sentences() -> None:
    answer_zh = "新版本加入了离线翻译功能，并把电池续航延长了大约两个小时，售价维持不变。"
    answer_en = "It means the company will stop selling the older model in most markets next year."
    text = f"新机发布\n這次更新有哪些亮點？\n{answer_zh}\nWhat does it mean?\n{answer_en}"
    article = parse(text)
    headings = [b.text for b in article.blocks if b.kind == "heading"]
    assert headings == ["這次更新有哪些亮點？", "What does it mean?"]
    assert [s.text for s in article.sentences] == [answer_zh, answer_en]


def test_a_question_that_is_the_paragraph_or_speech_stays_a_sentence() -> None:
    long_q = "为什么这家公司在连续三个季度亏损之后，仍然决定把研发预算提高一倍，并继续扩招工程师？"
    speech = "“妈妈，我们什么时候回家？”"
    follow = "她的母亲没有回答，只是看着窗外空荡荡的街道，过了很久才说快了。"
    article = parse(f"调查\n{long_q}\n{follow}\n{speech}\n{follow}")
    assert long_q in [s.text for s in article.sentences]
    assert speech in [s.text for s in article.sentences]
    # a question with nothing after it to answer is not a subheading either
    assert parse("公司为什么亏损？").sentences[0].text == "公司为什么亏损？"


def test_line_breaks_inside_html_paragraphs_and_inline_elements_are_spaces() -> None:
    from summarizer.html import html_to_text

    source = (
        "<html><body><p>The company said\n   revenue rose <a href='/x'>sharply\nthis</a> year."
        "</p><p>公司表示\n营收<b>增长\n</b>两成。</p><pre>line one\nline two</pre></body></html>"
    )
    assert html_to_text(source).split("\n") == [
        "The company said revenue rose sharply this year.",
        "公司表示营收增长两成。",
        "line one",
        "line two",
    ]
