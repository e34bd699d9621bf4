"""Page furniture: lines that come with an article but are not the article.

Breadcrumbs ("首頁>科技>"), author/date/source lines, share prompts, image
credits, and the "related reading" link list at the end never become the
title or a digest sentence.  The rules are line-level and conservative: a line
is dropped only when it looks like furniture as a whole.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["strip_furniture"]

_BREADCRUMB = re.compile(
    r"^\s*(?:首页|首頁|主页|主頁|当前位置|當前位置|您的位置|你的位置|Home|HOME|Homepage)\s*"
    r"(?:[>›»/|＞→:：]|$)",
)
_CRUMB_SEP = re.compile(r"\s*[>›»＞→]\s*")
_URL_ONLY = re.compile(r"^\s*(?:[-*•·]\s*)?(?:https?://|www\.)\S+\s*$", re.IGNORECASE)
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
    """Drop breadcrumbs, bylines, share prompts and trailing related-link lists."""
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
    out: list[str] = []
    for i, line in enumerate(kept):
        if _is_breadcrumb(line) or _is_boilerplate(line):
            continue
        if _URL_ONLY.match(line):
            continue
        if (i < 4 or i >= len(kept) - 3) and _is_date_or_byline(line):
            continue
        out.append(line)
    return out
