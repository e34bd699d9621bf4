from __future__ import annotations

from summarizer.tokenize import SumyTokenizer, stop_words, tokenize, tokenize_many


def test_numbers_and_latin_tokens_inside_chinese_are_words() -> None:
    words = tokenize("华为5G基站出货7亿台，Q3营收增长60%，融资2.5亿元")
    for w in ("5g", "7亿", "q3", "营收", "60%", "2.5亿"):
        assert w in words


def test_platform_names_are_single_words() -> None:
    words = tokenize("钉钉和小红书都在发力私域流量")
    assert "钉钉" in words and "小红书" in words and "私域" in words


def test_stop_words_and_punctuation_are_dropped() -> None:
    words = tokenize("我们的公司，在今年也是增长的。")
    assert "的" not in words and "，" not in words and "。" not in words
    assert "的" in stop_words()


def test_tokenize_many_matches_one_by_one() -> None:
    sents = ["钉钉上线圈子功能。", "Apple sold more iPhones in China.", "营收同比增长12.5%"]
    assert tokenize_many(sents) == [tokenize(s) for s in sents]


def test_english_words_are_lowercased_and_lightly_stemmed() -> None:
    assert tokenize("Merchants opened stores") == ["merchant", "open", "store"]


def test_sumy_tokenizer_needs_no_nltk_data() -> None:
    tok = SumyTokenizer()
    assert tok.to_sentences("第一句。第二句没有句号") == ("第一句。", "第二句没有句号")
    assert "钉钉" in tok.to_words("釘釘上線圈子")  # Traditional analysed through a Simplified view
