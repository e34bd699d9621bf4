# ruff: noqa: E501  (article lines are prose, one sentence a line)
"""Short made-up news articles for the bot's tests (written for this repository).

Companies, people and numbers are invented.  Each text is long enough for
``looks_like_article`` and has the shapes the digest renders: a title line,
sentences, and (for some) a list of points.
"""

from __future__ import annotations

__all__ = [
    "DINGTALK_ARTICLE",
    "EN_ARTICLE",
    "HTMLISH_ARTICLE",
    "MARKDOWN_ARTICLE",
    "SPLIT_PART_1",
    "SPLIT_PART_2",
    "ZH_HANS_ARTICLE",
    "ZH_HANS_COPY",
    "ZH_HANT_ARTICLE",
]

ZH_HANS_ARTICLE = """星河云发布三季度财报，企业服务收入增长三成
星河云今天公布第三季度业绩，总营收达到四十二亿元，同比增长百分之二十八。
其中企业服务收入增长三成，成为增长最快的业务。
公司首席财务官李明在电话会议上表示，增长主要来自制造业客户的上云需求。
本季度公司新增付费企业客户一万二千家，客户续约率保持在百分之九十以上。
公司下一步的重点包括：
一、扩大华南地区的数据中心容量；
二、推出面向中小企业的低价套餐；
三、加强与本地软件厂商的合作。
分析人士认为，星河云在价格竞争中守住了利润率，但海外业务仍处于亏损状态。
"""

#: The same story as ZH_HANS_ARTICLE, forwarded again with a channel's footer.
ZH_HANS_COPY = ZH_HANS_ARTICLE + "（本文转载自 星河财经频道，欢迎订阅）\n"

#: A DingTalk story (tagged #DingTalk by platforms.toml).
DINGTALK_ARTICLE = """钉钉发布新版本，面向制造企业推出排班助手
钉钉今天发布新版本，面向制造企业推出智能排班助手，帮助工厂按订单自动安排班次。
钉钉产品负责人表示，新功能已在三百家工厂试用，排班时间平均缩短一半。
新版本还加入了设备巡检表单，一线员工可以用手机拍照上报设备故障。
钉钉计划在下个季度把排班助手开放给零售和物流行业的客户。
分析人士认为，钉钉正在把重点从办公协同转向生产现场的数字化。
"""

ZH_HANT_ARTICLE = """晨光電子宣布在台中設立新研發中心
晨光電子今日宣布，將投資新台幣八十億元在台中設立研發中心，預計明年第二季完工。
新中心將專注於車用晶片與電源管理技術，初期招募研發人員約六百名。
董事長陳志遠表示，電動車市場需求持續成長，公司必須提前布局關鍵技術。
晨光電子去年營收創下新高，其中車用產品占比已超過三成。
市場人士指出，這項投資有助於公司爭取更多國際車廠訂單，但短期內將增加折舊費用。
"""

EN_ARTICLE = """Northwind Logistics posts record quarter as e-commerce volumes climb
Northwind Logistics reported third-quarter revenue of 3.1 billion dollars on Tuesday, up 18 percent from a year earlier.
The company said parcel volumes from online retailers grew faster than expected during the summer.
Chief executive Dana Ruiz told analysts that new automated sorting centers cut handling costs by a fifth.
Northwind raised its full-year forecast and plans to open four more regional hubs next year.
Shares rose 6 percent in early trading after the results were published.
Some analysts warned that fuel prices and wage increases could squeeze margins in the coming months.
"""

# Looks like markup, but is the text of an article about markup: every < and & must be escaped.
HTMLISH_ARTICLE = """<b>Web tools maker Lumen & Co</b> ships <script>safe()</script> editor update
Lumen & Co released version 5 of its web editor on Monday, adding support for <table> layouts and &amp; entities.
The company said the update fixes a bug where a stray < sign broke pages with a "5 < 6" comparison.
Developers had asked for better handling of text such as AT&T and R&D in product names.
Lumen & Co expects the new version to reach two million users by the end of the year.
Rival tools such as Quill & Ink are also racing to add similar features before the holiday season.
"""

MARKDOWN_ARTICLE = """*Breaking*: _Harbor Foods_ agrees to buy **Green Valley Farms** for `1.2 billion` dollars
Harbor Foods said on Friday it would buy Green Valley Farms in a deal worth [1.2 billion dollars](https://example.com) including debt.
The combined company will supply fresh produce to more than nine thousand grocery stores across the region.
Harbor Foods expects the deal to close in the first half of next year, pending approval from regulators.
Chief executive Priya Nair said the purchase would cut transport costs and reduce food waste by a tenth.
Green Valley shareholders will receive 42 dollars per share in cash, a premium of 30 percent.
"""

# One article forwarded from a channel in two messages.
SPLIT_PART_1 = """远航汽车九月交付量创新高
远航汽车今天公布九月交付数据，当月共交付新车三万八千辆，同比增长百分之六十五，创下单月新高。
其中新推出的紧凑型电动车占总交付量的四成，成为最受欢迎的车型。
"""

SPLIT_PART_2 = """公司表示，位于西安的第二工厂已经投产，产能爬坡进度快于预期。
远航汽车预计第四季度交付量将达到十万辆，全年目标有望提前完成。
不过，行业价格战仍在持续，公司毛利率较上季度下降了两个百分点。
"""
