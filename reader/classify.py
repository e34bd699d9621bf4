"""Pages that are not the article: verification, login walls, paywalls, error pages.

:func:`classify_page` finds anti-bot verification, login walls, paywalls, error
pages and near-empty pages, so a digest of "please verify you are human" is never
made; :func:`ensure_article` raises :class:`NotArticleError` for them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from reader.limits import MIN_PAGE_UNITS, SHORT_PAGE_UNITS, Page
from summarizer.errors import NotArticleError, PageReason
from summarizer.text import content_length

__all__ = ["classify_page", "ensure_article", "has_marker", "without_wall"]

# Markers are matched case-insensitively as substrings.  Each list holds the
# Simplified and the Traditional spelling; they must be specific phrases, not
# words a short news item could contain, nor the comment-box and footer prompts
# under full articles ("请登录后发表评论", "Already a subscriber?").
_VERIFICATION = (
    "环境异常",
    "環境異常",
    "完成验证后即可继续访问",
    "完成驗證後即可繼續訪問",
    "请在微信客户端打开链接",
    "請在微信客戶端打開鏈接",
    "人机验证",
    "人機驗證",
    "安全验证",
    "安全驗證",
    "拖动下方滑块",
    "请完成下方验证",
    "访问过于频繁",
    "訪問過於頻繁",
    "just a moment...",
    "checking your browser",
    "checking if the site connection is secure",
    "enable javascript and cookies to continue",
    "verify you are human",
    "verify you are a human",
    "verifying you are human",
    "are you a robot",
    "captcha",
    "attention required! | cloudflare",
    "ddos protection by",
    "unusual traffic from your computer",
)
_LOGIN = (
    "登录后查看",
    "登录后阅读",
    "登录后可查看",
    "登录后继续阅读",
    "登录后可继续阅读",
    "请登录后查看",
    "请登录后阅读",
    "请登录后继续阅读",
    "请先登录",
    "登入後查看",
    "登入後閱讀",
    "登錄後查看",
    "請登入",
    "請先登入",
    "sign in to continue",
    "log in to continue",
    "login to continue",
    "sign in to read",
    "log in to read",
    "please log in to read",
    "please sign in to read",
    "you must be logged in to read",
    "create a free account to continue",
)
_PAYWALL = (
    "订阅后阅读全文",
    "訂閱後閱讀全文",
    "订阅后阅读",
    "訂閱後閱讀",
    "订阅即可阅读",
    "付费阅读",
    "付費閱讀",
    "付费后阅读",
    "购买后阅读全文",
    "开通会员阅读",
    "开通会员后阅读",
    "subscribe to read",
    "subscribe to continue reading",
    "subscribe to unlock",
    "subscribers only",
    "for subscribers only",
    "this article is for subscribers",
    "this content is for subscribers",
    "to continue reading this article",
)
_ERROR_TEXT = (
    "页面不存在",
    "頁面不存在",
    "页面未找到",
    "找不到页面",
    "找不到網頁",
    "您访问的页面不存在",
    "该内容已被发布者删除",
    "此内容因违规无法查看",
    "内容已删除",
    "內容已刪除",
    "文章不存在",
    "文章已删除",
    "page not found",
    "404 not found",
    "error 404",
    "404 error",
    "the page you requested could not be found",
    "the page you are looking for",
    "this page does not exist",
    "this page doesn't exist",
)
_ERROR_TITLE = re.compile(
    r"^\s*(?:(?:error\s*)?[45]\d\d\b|not found|forbidden|access denied|service unavailable|"
    r"bad gateway|internal server error|error\b)",
    re.I,
)


def has_marker(haystacks: Iterable[str], markers: Sequence[str]) -> bool:
    return any(m in h for h in haystacks for m in markers)


def _tail(text: str, n: int = 3) -> list[str]:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return [ln.lower() for ln in lines[-n:] if content_length(ln) <= 60]


def classify_page(
    page: Page, *, html_title: str | None = None, visible_text: str | None = None
) -> PageReason | None:
    """Why ``page`` is not an article, or ``None`` when it reads as one.

    ``html_title`` (the raw ``<title>``) and ``visible_text`` (all text a
    browser shows) are scanned for verification wording too, because
    extraction may drop a challenge page's only words.  Short pages are
    checked anywhere; long ones only in their titles and closing lines, so an
    article that merely mentions captchas or paywalls is not refused.
    """
    text = page.text or ""
    units = content_length(text)
    titles = [t.lower() for t in (page.title, html_title) if t]
    body = text.lower()
    short = units < SHORT_PAGE_UNITS
    everything = [body, (visible_text or "").lower()]
    if has_marker(titles, _VERIFICATION) or (short and has_marker(everything, _VERIFICATION)):
        return "verification_page"
    tail = _tail(text)
    if (short and has_marker([body], _LOGIN)) or has_marker(tail, _LOGIN):
        return "login_wall"
    if (short and has_marker([body], _PAYWALL)) or has_marker(tail, _PAYWALL):
        return "paywall"
    if short and any(_ERROR_TITLE.match(t) for t in titles):
        return "error_page"
    if has_marker(titles, _ERROR_TEXT) or (short and has_marker([body], _ERROR_TEXT)):
        return "error_page"
    if units < MIN_PAGE_UNITS:
        return "too_little_text"
    return None


_NOT_ARTICLE_MESSAGES: dict[PageReason, str] = {
    "verification_page": "the page is a verification (anti-bot) page, not the article",
    "login_wall": "the article is behind a login",
    "paywall": "the article is behind a paywall",
    "error_page": "the page is an error page (the article may have been removed)",
    "too_little_text": "the page has too little text to be an article",
}


def ensure_article(
    page: Page, *, html_title: str | None = None, visible_text: str | None = None
) -> Page:
    """``page`` itself, or :class:`NotArticleError` when :func:`classify_page` objects."""
    reason = classify_page(page, html_title=html_title, visible_text=visible_text)
    if reason is not None:
        raise NotArticleError(reason, _NOT_ARTICLE_MESSAGES[reason])
    return page


def without_wall(text: str) -> str:
    """``text`` without its paywall prompts (short lines holding one)."""
    lines = text.splitlines()
    keep = (
        ln for ln in lines if not (content_length(ln) <= 60 and has_marker([ln.lower()], _PAYWALL))
    )
    return "\n".join(keep)
