"""Sentences that open with a connective or point back (summarizer.standalone)."""

from __future__ import annotations

import pytest

from summarizer.standalone import dependence


@pytest.mark.parametrize(
    ("sentence", "shown"),
    [
        ("此外，联发科还与多家厂商合作推出整合方案。", "联发科还与多家厂商合作推出整合方案。"),
        ("與此同時，台積電宣布在日本新建一座晶圓廠。", "台積電宣布在日本新建一座晶圓廠。"),
        ("不過，蘋果預計明年推出新款筆電與平板電腦。", "蘋果預計明年推出新款筆電與平板電腦。"),
        ("但多数分析师仍然看好公司明年的海外业务。", "多数分析师仍然看好公司明年的海外业务。"),
        ("報導提到，多家南韓業者近期轉單至台灣廠商。", "多家南韓業者近期轉單至台灣廠商。"),
        (
            "However, Tesco said its online sales rose sharply over Christmas.",
            "Tesco said its online sales rose sharply over Christmas.",
        ),
        (
            "But the rolling outages left thousands of homes without power.",
            "the rolling outages left thousands of homes without power.",
        ),
    ],
)
def test_a_leading_connective_is_trimmed_verbatim(sentence: str, shown: str) -> None:
    dep = dependence(sentence)
    assert dep.kind == "trim"
    assert sentence[dep.start :] == shown
    assert shown in sentence  # still a verbatim slice


@pytest.mark.parametrize(
    "sentence",
    [
        "这家公司的股价在过去一周下跌了两成。",
        "該公司表示將在明年第一季推出新產品。",
        "他强调，要加快推进数字经济的发展。",
        "其中，两家企业已经开始小批量生产。",
        "此次融资由一家美元基金领投。",
        "They said the grid had plenty of power available that day.",
        "It is not clear which devices will get the feature first.",
        "This is the seventh painting the group has helped to buy.",
        "“This is a turning point for the company,” she said.",
        # a connective followed by a pointer still needs what came before
        "此外，该公司还计划在欧洲建厂。",
        "However, it declined to give a date for the launch.",
        # removing the connective would leave a clause that cannot open a sentence
        "但也有分析师认为估值已经偏高。",
    ],
)
def test_pointers_need_the_sentence_before(sentence: str) -> None:
    assert dependence(sentence).kind == "needs"


@pytest.mark.parametrize(
    "sentence",
    [
        "小米周二在北京发布新款折叠屏手机。",
        "Thousands of shoppers were turned away on Friday.",
        "Theresa May met business leaders in London.",  # "The…" words are not "They"/"These"
        "Items sold out within an hour.",  # "It" only as a whole word
        "市场预期的降价并未出现。",
    ],
)
def test_ordinary_sentences_stand_alone(sentence: str) -> None:
    assert dependence(sentence).kind == "alone"


@pytest.mark.parametrize(
    ("sentence", "shown"),
    [
        (
            "【星河快報／記者王明】星河手機開始為新款機型備貨，預計明年發布。",
            "星河手機開始為新款機型備貨，預計明年發布。",
        ),
        (
            "LONDON (Reuters) - Shares in the grocer rose after it raised its outlook.",
            "Shares in the grocer rose after it raised its outlook.",
        ),
    ],
)
def test_a_byline_glued_to_a_lede_is_never_shown(sentence: str, shown: str) -> None:
    dep = dependence(sentence)
    assert dep.kind == "alone"
    assert sentence[dep.tag :] == shown


def test_a_bracketed_headline_is_not_a_byline() -> None:
    assert dependence("【新品发布】星河公司宣布将于下月推出三款新品。").tag == 0
