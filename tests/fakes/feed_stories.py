"""Generated news stories for feed tests and the feed benchmark (text written here).

Thousands of feeds need thousands of distinct, article-length stories: each
is ten sentences from templates, filled with numbers that depend on the feed
and item, so no two share a text hash and the summarizer has real work to do.
"""

from __future__ import annotations

import html

__all__ = ["article_text"]

_EN = (
    "{co} said on {day} that revenue in its {unit} business rose {n} percent from a year earlier, "
    "the fastest pace since the company was listed.",
    "The company expects {m} new customers in the next quarter as orders from retailers and "
    "small manufacturers recover after a slow summer.",
    "Chief executive {name} told analysts on a call that costs had fallen for the {k}th month "
    "in a row thanks to cheaper energy and fewer delays.",
    "Shares of {co} closed {n} percent higher in {city} after the announcement, while the "
    "wider market was flat for the day.",
    "Analysts said the results showed that demand for {unit} services was stronger than they "
    "had expected at the start of the year.",
    "The group plans to hire about {m} engineers over the next two years and to open a second "
    "research centre near {city}.",
    "It also raised its forecast for the full year and said it would pay a special dividend "
    "to shareholders in the spring.",
    "Some investors warned that competition in the {unit} market was growing and that prices "
    "could fall again next year.",
    "{name} said the company would keep spending on new products even if growth slowed, "
    "because customers were asking for them.",
    "The next results are due in {k} weeks, when the company will also report on its new "
    "contracts in Southeast Asia.",
)
_ZH = (
    "{co}周{day}公布，{unit}业务收入同比增长百分之{n}，增幅为公司上市以来最高。",
    "公司预计下个季度将新增{m}家企业客户，零售和中小制造业的订单在夏季放缓后正在回升。",
    "首席执行官{name}在电话会议上表示，由于能源价格回落，成本已经连续{k}个月下降。",
    "消息公布后，{co}股价在{city}收涨百分之{n}，而大盘当天基本持平。",
    "分析师认为，这份业绩说明市场对{unit}服务的需求明显强于年初的预期。",
    "集团计划在未来两年招聘约{m}名工程师，并在{city}附近开设第二个研发中心。",
    "公司同时上调了全年业绩预期，并表示将在明年春季向股东派发特别股息。",
    "也有投资者提醒，{unit}市场的竞争正在加剧，明年价格可能再次下滑。",
    "{name}说，即使增长放缓，公司也会继续投入新产品，因为客户一直在要求。",
    "下一份业绩将在{k}周后公布，届时公司还会说明在东南亚新签合同的情况。",
)


def article_text(feed: int, item: int, *, zh: bool | None = None) -> tuple[str, str]:
    """(title, paragraphs as HTML) of a generated news story, distinct per feed and item.

    Written for these tests (no third-party text); every number depends on both
    indices, so no two stories share a text hash and near-duplicates are rare.
    """
    zh = (feed + item) % 2 == 0 if zh is None else zh
    seed = feed * 7919 + item * 104729
    values = {
        "co": (f"星河{feed}号科技" if zh else f"Northwind {feed} Group"),
        "day": "一二三四五"[seed % 5] if zh else ("Monday", "Tuesday", "Friday")[seed % 3],
        "unit": ("云计算", "物流", "支付")[seed % 3]
        if zh
        else ("cloud", "freight", "payments")[seed % 3],
        "n": 3 + seed % 37,
        "m": 100 + seed % 900,
        "k": 2 + item % 9,
        "name": ("王敏", "陈立", "林海")[item % 3] if zh else ("Maria Olsen", "Li Chen")[item % 2],
        "city": ("上海", "深圳", "香港")[feed % 3] if zh else ("Singapore", "London")[feed % 2],
    }
    sentences = [s.format(**values) for s in (_ZH if zh else _EN)]
    title = (
        f"{values['co']}第{item}期报告：收入增长百分之{values['n']}"
        if zh
        else f"{values['co']} report {item}: revenue up {values['n']} percent"
    )
    return title, "".join(f"<p>{html.escape(s)}</p>" for s in sentences)
