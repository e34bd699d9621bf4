"""The one-pass cutter must give exactly jieba's own words."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.tokenize import _cutter, _jieba

TEXTS = [
    "钉钉上线圈子功能，剑指社交私域流量。",
    "华为5G基站出货7亿台，Q3营收增长60%，融资2.5亿元。",
    "OpenAI 发布新模型，微软 Azure 同步上线；iPhone15 销量下滑\r\n第二行\t制表",
    "南京市长江大桥欢迎您",
    "",
    "   ",
    "😀 emoji 和中文 mixed-case_words #tag & 100%",
]


def _jieba_words(text: str) -> list[str]:
    return list(_jieba().lcut(text, HMM=False))


def test_same_words_as_jieba_on_examples() -> None:
    for text in TEXTS:
        assert _cutter().cut(text) == _jieba_words(text), text


COMMON = (
    "的了是在和有人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工"
    "也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理"
    "起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社"
    "义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只"
    "没结解问意建月公无系军很情者最立代想已通并提直题程展五果料象员位入常文总次品式活"
    "设及管特件长求老头基资边流路级少图山统接知较将组见计别手角期根论运农指几九区强放"
    "决西被干做必先回则任取据处"
)
ALPHABET = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5),
    st.sampled_from(COMMON),
    st.sampled_from("0123456789aZx.%-+#&_ \n\r\t，。！"),
)


@settings(max_examples=300, deadline=None)
@given(st.text(ALPHABET, max_size=80))
def test_same_words_as_jieba_on_random_text(text: str) -> None:
    assert _cutter().cut(text) == _jieba_words(text)
