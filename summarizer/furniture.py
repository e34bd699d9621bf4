"""Page furniture: lines that come with an article but are not the article.

Breadcrumbs ("首頁>科技>"), author/date/source lines, share prompts, image
credits and captions, contact lines, embedded social posts, promos, the
"related reading" link list and the disclaimer at the end of a broker's note
never become the title or a digest sentence.  The rules are line-level and
conservative: a line is dropped only when it looks like furniture as a whole,
except end matter (免责声明, END, Disclaimer…), which is cut from its marker on,
because notes pasted from an app often hold it on the same line as the last
paragraph.

:func:`clean_title` takes site names, section suffixes and column tags off a
headline ("【计算机-某某】…", "… - 財經 - 中時新聞網", "…｜Site").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from summarizer.text import HAN_RANGES, content_length

__all__ = ["clean_title", "strip_furniture"]

_BREADCRUMB = re.compile(
    r"^\s*(?:首页|首頁|主页|主頁|当前位置|當前位置|您的位置|你的位置|Home|HOME|Homepage)\s*"
    r"(?:[>›»/|＞→:：]|$)",
)
_CRUMB_SEP = re.compile(r"\s*[>›»＞→]\s*")
_URL_ONLY = re.compile(
    r"^\s*(?:[-*•·]\s*)?(?:(?:https?://|www\.)\S+|\[[^\]\n]{1,300}\]\(\s*https?://[^)\s]+\s*\))\s*$",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*[•·●▪◦‣∙・\-*–—]\s*")
_RELATED_MARKER = re.compile(
    r"^\s*[【\[(（]?\s*(?:相关阅读|相關閱讀|延伸阅读|延伸閱讀|推荐阅读|推薦閱讀|相关文章|相關文章|"
    r"相关新闻|相關新聞|更多阅读|更多閱讀|猜你喜欢|猜你喜歡|热门推荐|熱門推薦|往期回顾|往期回顧|"
    r"往期推荐|往期推薦|精彩推荐|精彩推薦|更多精彩|阅读更多|閱讀更多|"
    r"Related(?: articles| stories| reading| news| coverage)?|Read more|More on this story|"
    r"Recommended|You may also like|Further reading|See also)\s*[】\])）]?\s*[:：]?\s*$",
    re.IGNORECASE,
)
_BOILERPLATE = re.compile(
    r"^\s*[【\[(（]?\s*(?:"
    r"分享到|分享至|分享本文|转发|轉發|点击(?:上方|下方|关注|閱讀|阅读)|點擊(?:上方|下方|關注|閱讀)|"
    r"关注我们|關注我們|扫码|掃碼|长按|長按|识别二维码|識別二維碼|"
    r"责任编辑|責任編輯|编辑[:：]|編輯[:：]|校对|校對|审核[:：]|審核[:：]|"
    r"原标题|原標題|来源[:：]|來源[:：]|作者[:：]|文[/／|:：]|记者[:：]?|記者[:：]?|撰文|图片来源|圖片來源|"
    r"图[/／:：]|圖[/／:：]|本文(?:来源|來源|转载|轉載|首发|首發)|版权|版權|免责声明|免責聲明|"
    r"Share (?:this|on)|Follow us|Sign up|Subscribe to|Click here|"
    r"Image (?:caption|source|copyright)|"
    r"Getty Images|Copyright|All rights reserved|By [A-Z][a-z]+(?: [A-Z][a-z]+)*\s*$|"
    r"Published|Updated|Advertisement"
    r")",
    re.IGNORECASE,
)
_DATE_LINE = re.compile(
    r"^\s*(?:发布时间|發佈時間|发布于|發佈於|时间|時間|日期)?[:：]?\s*"
    r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
    r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?",
)
_TERMINAL = "。！？!?.；;…”」』\"'）)"


# ----------------------------------------------------------------- end matter
# A marker that starts the end matter of a note (disclaimer, analyst
# statement, rating key) when it stands as a word of its own (start of line or
# after a space, then a space, a colon or the end) in the back part of a text.
_END_MATTER = re.compile(
    r"(?:^|(?<=\s))(?:免责声明|免責聲明|免责条款|免責條款|法律声明|法律聲明|重要声明|重要聲明|"
    r"特别声明|特別聲明|分析师声明|分析師聲明|分析师承诺|分析師承諾|证券分析师承诺|"
    r"投资评级说明|投資評級說明|评级说明|評級說明|风险提示|風險提示|"
    r"END|- ?END ?-|— ?END ?—|Disclaimers?|Important [Dd]isclosures?|Analyst [Cc]ertification|"
    r"Risk [Ww]arning)"
    r"(?=\s|[:：]|$)",
)
# Sentences that disclaim the text they close; a line holding one is dropped.
_DISCLAIMER_LINE = re.compile(
    r"不构成(?:任何|对任何人的)?投资建议|不構成(?:任何|對任何人的)?投資建議|"
    r"不作为投资依据|不作為投資依據|据此投资，风险自担|據此投資，風險自擔|投资有风险|投資有風險|"
    r"for (?:general )?informational purposes only|for information purposes only|"
    r"(?:does|do|should) not constitute (?:investment|financial|legal) advice|"
    r"not (?:intended as |to be construed as )?(?:investment|financial) advice|"
    r"past performance is not (?:a |an )?(?:guarantee|indicat)",
    re.IGNORECASE,
)
# Reprint notes, editor's notes and embedded-post traces.
_REPRINT = re.compile(
    r"本文来自微信公众号|本文來自微信公眾號|本文来自|本文來自|经授权发布|經授權發布|经授权转载|"
    r"經授權轉載|授权转载|授權轉載|本文经授权|本文經授權|转载请注明|轉載請註明|未经授权|未經授權|"
    r"原标题[:：]|原標題[:：]|^\s*[【\[(（]?\s*(?:编者按|編者按|编者注|編者註|编辑按)",
)
_TWEET_SIGNATURE = re.compile(
    r"^\s*[—–-]+\s*[^()\n]{1,60}\(@\w{1,15}\)\s*"
    r"(?:[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4})?\s*$",
)
_SOCIAL_LINK = re.compile(r"pic\.twitter\.com/\w+|https?://t\.co/\w+|instagram\.com/p/", re.I)
_EDITORIAL_NOTE = re.compile(
    r"^\s*(?:Update|Updated|UPDATE|Correction|Clarification|Editor[’']s [Nn]ote)\b[^:：]{0,40}[:：]"
)
# Contact lines: phone, fax, e-mail, address, contact person, licence number.
_CONTACT_LABEL = re.compile(
    r"^\s*[【\[(（]?\s*(?:联系人|聯絡人|联系方式|聯絡方式|联系电话|聯絡電話|咨询电话|諮詢電話|"
    r"电话|電話|手机|手機|传真|傳真|邮箱|郵箱|电子邮件|電子郵件|电邮|電郵|邮件|郵件|地址|"
    r"邮编|郵遞區號|网址|網址|执业证书编号|執業證書編號|SAC执业证书编号|证书编号|"
    r"Tel|Telephone|Phone|Mobile|Fax|E-?mail|Address|Contact)\s*[:：]",
    re.IGNORECASE,
)
_PHONE = re.compile(
    r"(?<![\d.])(?:\+\d{1,3}[\s-]?)?(?:\(\d{2,4}\)\s?|\d{2,4}[\s-])?\d{3,4}[\s-]\d{4}(?![\d.])"
    r"|(?<!\d)1[3-9]\d{9}(?!\d)|(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)"
)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]+(?:\.[\w-]+)+")  # anchored: linear
# Photo captions and credits: a credit line, or a caption line ending in one.
_CREDIT_LEAD = re.compile(
    r"^\s*[【\[(（]?\s*(?:图片来源|圖片來源|图源|圖源|配图|配圖|图[/／|丨:：]|圖[/／|丨:：]|"
    r"摄影|攝影|Photo(?:graph)?s?\s*(?:by|:|credit)|Image\s*(?:by|:|credit|source)|"
    r"Illustration\s*(?:by|:)|Credits?\s*:|Source\s*:|Courtesy\b)",
    re.IGNORECASE,
)
_CREDIT_TAIL = re.compile(
    r"(?:(?:图片来源|圖片來源|图源|圖源|图|圖|来源|來源|Photo(?:graph)?|Image|Credit|"
    r"Illustration)\s*[:：/／|丨]\s*[^。！？.!?]{1,40}[)）]?"
    r"|[\s(（]\S{1,12}?\s*[摄攝][)）]?"
    r"|\((?:Photo|Image|Picture)s? (?:by|courtesy of|credit)[^()]{1,60}\)"
    r"|(?:/|\||via)\s*Getty Images|Getty Images)\s*$",
    re.IGNORECASE,
)
_ALL_CAPS_NAME = re.compile(r"^\s*[A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+){1,3}\s*$")
_PROMO = re.compile(
    r"^\s*[【\[(（]?\s*(?:欢迎关注|歡迎關注|快加入|加入.{0,20}(?:追蹤|追踪)|"
    r"订阅(?:我们|本号|公众号|电子报)|訂閱(?:我們|本號|公眾號|電子報)|扫码|掃碼|扫描二维码|掃描二維碼|"
    r"识别二维码|識別二維碼|长按|長按|"
    r"(?:点击|點擊)(?:阅读|閱讀|查看|进入|進入|下载|下載|收听|收聽|观看|觀看|订阅|訂閱|关注|關注)|"
    r"阅读原文|閱讀原文|下[载載]\S{0,12}(?:APP|App|app|客户端|客戶端)|以\w{1,10}分享|"
    r"已將目前網頁的網址複製|已将目前网页的网址复制|切換文字大小|切换文字大小|"
    r"(?:Sign up|Subscribe|Thanks for subscribing|Was this (?:email|newsletter) forwarded|"
    r"Get (?:the|our) (?:latest|newsletter)|Download (?:the|our) app|Follow (?:us|@)|"
    r"Continue reading|Slideshow|Filed [Uu]nder|We noticed you(?:'|’)re using an ad ?blocker)\b)",
    re.IGNORECASE,
)
# short prompts that are words a headline could start with: only as the whole line
_PROMO_SHORT = re.compile(
    r"^\s*[【\[(（]?\s*(?:我要爆料|[贊赞]助\S{0,6}|纠错|糾錯|上一篇|下一篇|[关關]注\S{0,10})"
    r"\s*[】\])）]?\s*$"
)
_TERMINAL_CHARS = "。！？!?.…"


def _cut_end_matter(lines: list[str]) -> list[str]:
    """Cut the text at the first end-matter marker past its first 40%."""
    total = sum(len(ln) + 1 for ln in lines)
    offset = 0
    for i, line in enumerate(lines):
        for m in _END_MATTER.finditer(line):
            if i == 0 or offset + m.start() < total * 0.4:
                continue
            head = line[: m.start()].rstrip()
            return [*lines[:i], head] if content_length(head) > 0 else lines[:i]
        offset += len(line) + 1
    return lines


def _is_contact(line: str, n: int) -> bool:
    if n > 60:  # a paragraph that mentions a number is not a contact line
        return False
    if n <= 40 and _CONTACT_LABEL.match(line):
        return True
    found = _EMAIL.search(line) or _PHONE.search(line)
    if not found:
        return False
    rest = _EMAIL.sub(" ", _PHONE.sub(" ", line))
    # what is left beside the numbers and addresses is a label or a name
    return content_length(rest) <= 6 and not rest.rstrip().endswith(("。", "."))


def _is_caption(line: str, n: int) -> bool:
    """A credit line, or a caption-sized line that ends in a credit."""
    if n <= 60 and _CREDIT_LEAD.match(line):
        return True
    return n <= 80 and bool(_CREDIT_TAIL.search(line))


def _is_promo(line: str, n: int) -> bool:
    return (n <= 40 and bool(_PROMO.match(line))) or (n <= 12 and bool(_PROMO_SHORT.match(line)))


def _is_furniture_line(line: str) -> bool:
    """One line of page furniture.  Each rule is bounded by the line's length first:
    most lines are paragraphs far longer than any furniture, and cost one count."""
    if _TWEET_SIGNATURE.match(line):
        return True
    n = content_length(line)
    if n > 160:
        return False
    if _DISCLAIMER_LINE.search(line) or _REPRINT.search(line):
        return True
    if n <= 40 and _EDITORIAL_NOTE.match(line):
        return True
    if n <= 60 and _SOCIAL_LINK.search(line):
        return True
    if len(line) <= 40 and _ALL_CAPS_NAME.match(line):
        return True
    return _is_contact(line, n) or _is_caption(line, n) or _is_promo(line, n)


# -------------------------------------------------------------------- titles
_SEP_CLASS = "-–—|｜_丨"
# the last separator of a title: a spaced dash, a bar or underscore, or an
# unspaced dash between a Chinese headline and a Chinese site name ("城！-新华网")
_LAST_SEP = re.compile(
    r"(?:\s+[-–—]\s+|\s*[|｜_丨]\s*|(?<=[\u3000-\u303f\uff00-\uffef" + HAN_RANGES + r"])"
    r"\s*[-–—]\s*(?=[" + HAN_RANGES + r"]))(?P<seg>[^" + _SEP_CLASS + r"]*)$"
)
_FIRST_SEP = re.compile(r"^(?P<seg>[^" + _SEP_CLASS + r"]{1,16}?)\s*(?:\s_\s?|_|[|｜丨])\s*")
_LEAD_BRACKET = re.compile(r"^\s*【[^】]{1,30}】\s*")
_LEAD_COLUMN = re.compile(r"^\s*《([^》]{1,8})》\s*")
_COLUMN_WORD = re.compile(
    r"(?:分析|觀察|观察|專欄|专栏|評論|评论|快訊|快讯|獨家|独家|社論|社论|焦點|焦点|觀點|观点|專題|"
    r"专题|時評|时评|速報|速报|產業|产业|財經|财经|科技|國際|国际|半導體|半导体|電子|电子|股市|"
    r"市場|市场|要聞|要闻|熱門|热门|頭條|头条|看點|看点|解讀|解读|早報|早报|晚報|晚报)$"
)
_SITE_SHAPE = re.compile(
    r"(?:网|網|新闻|新聞|日报|日報|时报|時報|晚报|晚報|早报|早報|周刊|週刊|杂志|雜誌|电视台|電視台|"
    r"频道|頻道|在线|在線|官网|官網)$"
    r"|^(?:www\.)?[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|cn|tw|hk|io|co|info|news)(?:\.\w{2})?$",
    re.IGNORECASE,
)
_SECTION = re.compile(f"^[{HAN_RANGES}]{{1,4}}$")
_NORM_DROP = re.compile(r"[\W_]+")


def _norm(text: str) -> str:
    return _NORM_DROP.sub("", text).lower()


def _is_site(seg: str, sites: Sequence[str], spaced: bool) -> bool:
    s = _norm(seg)
    if not s:
        return True
    for site in sites:
        n = _norm(site)
        if n and (s == n or (len(s) >= 2 and s in n) or (n in s and len(s) <= len(n) + 8)):
            return True
    if len(seg) <= 16 and _SITE_SHAPE.search(seg.strip()):
        return True
    return spaced and bool(_SECTION.match(seg.strip()))


def clean_title(title: str, sites: Iterable[str] = ()) -> str:
    """``title`` without column tags before it and site/section names after it.

    ``sites`` are names the page itself gives for its site (``og:site_name``,
    what its ``<title>`` adds to its ``<h1>``); without them only shapes that
    cannot be a headline's end are taken off: a name ending in 网/網/日報…, a
    domain, or a section of one to four Han characters after a spaced
    separator ("… - 財經").  A headline with a dash in its middle keeps it.
    """
    original = re.sub(r"\s+", " ", title).strip()
    known = [s for s in sites if s and s.strip()]
    t = original
    for _ in range(6):  # trailing site and section names, innermost last
        m = _LAST_SEP.search(t)
        if m is None:
            break
        head = t[: m.start()].rstrip()
        spaced = m.group(0)[:1].isspace() or m.group(0).lstrip()[:1] in "_|｜丨"
        if content_length(head) < 4 or not _is_site(m.group("seg"), known, spaced):
            break
        t = head
    for _ in range(3):  # leading column and author tags
        m = _LEAD_BRACKET.match(t)
        if m is None:
            c = _LEAD_COLUMN.match(t)
            m = c if c is not None and _COLUMN_WORD.search(c.group(1)) else None
        if m is None:
            f = _FIRST_SEP.match(t)
            m = f if f is not None and content_length(f.group("seg")) <= 8 else None
        if m is None or content_length(t[m.end() :]) < 4:
            break
        t = t[m.end() :].lstrip()
    return t.strip() or original


def _is_breadcrumb(line: str) -> bool:
    if _BREADCRUMB.match(line):
        return len(line) <= 80
    parts = [p for p in _CRUMB_SEP.split(line) if p.strip()]
    seps = len(_CRUMB_SEP.findall(line))
    return seps >= 2 and len(line) <= 80 and all(len(p) <= 12 for p in parts)


def _is_date_or_byline(line: str) -> bool:
    m = _DATE_LINE.match(line)
    return m is not None and len(line) - m.end() <= 30


def _is_boilerplate(line: str) -> bool:
    return bool(_BOILERPLATE.match(line)) and len(line) <= 60


def _is_link_like(line: str) -> bool:
    """A bullet or bare-URL line: possibly an item of a link list."""
    if _URL_ONLY.match(line):
        return True
    return bool(_BULLET.match(line))


def strip_furniture(lines: Sequence[str]) -> list[str]:
    """Drop breadcrumbs, bylines, captions, contact lines, promos, embedded posts,
    disclaimers and trailing related-link lists."""
    kept = [ln.strip() for ln in lines if ln.strip()]
    # A "related reading" marker in the back half starts the end matter.
    for i in range(len(kept) - 1, -1, -1):
        if _RELATED_MARKER.match(kept[i]) and i >= len(kept) // 2:
            kept = kept[:i]
            break
    # A trailing run of bullet/URL lines is a link list when at least two long
    # paragraphs stand before it (a bare list is content, not furniture).
    end = len(kept)
    while end > 0 and _is_link_like(kept[end - 1]):
        end -= 1
    introduced = end > 0 and kept[end - 1].rstrip().endswith((":", "："))
    if end < len(kept) and end >= 2 and not introduced:
        kept = kept[:end]
    kept = _cut_end_matter(kept)
    dropped = [_is_furniture_line(ln) for ln in kept]
    for i in range(len(kept) - 1):
        nxt = kept[i + 1]
        # an embedded post's text stands right before its "— Name (@handle) date" line
        if _TWEET_SIGNATURE.match(nxt) and content_length(kept[i]) <= 60:
            dropped[i] = True
        # a caption stands right before its credit line and ends without a full stop
        if (
            _CREDIT_LEAD.match(nxt)
            and content_length(nxt) <= 30
            and content_length(kept[i]) <= 80
            and not kept[i].rstrip().endswith(tuple(_TERMINAL_CHARS))
        ):
            dropped[i] = True
    out: list[str] = []
    for i, line in enumerate(kept):
        if dropped[i] or _is_breadcrumb(line) or _is_boilerplate(line):
            continue
        if _URL_ONLY.match(line):
            continue
        if (i < 4 or i >= len(kept) - 3) and _is_date_or_byline(line):
            continue
        out.append(line)
    return out
