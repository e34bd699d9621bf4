"""Every sentence the bot says, in zh-Hans, zh-Hant and English, in one table.

Templates are Telegram HTML.  :func:`text` escapes every value it fills in,
so a caller cannot smuggle article text into a message unescaped.  Error
reasons (``UnsupportedInputError.reason``, ``FetchError.reason``) are
translated here and nowhere else.
"""

from __future__ import annotations

import html
from typing import Final, Literal, get_args

from bot.errors import CommandError, CommandReason, FetchError
from reader.errors import FeedError, FeedReason, FetchReason
from reader.limits import MAX_DOCUMENT_BYTES, SUPPORTED_EXTENSIONS
from summarizer import UnsupportedInputError
from summarizer.errors import NotArticleError

__all__ = [
    "LANGUAGES",
    "MESSAGES",
    "UiLanguage",
    "error_text",
    "language_for",
    "stored_error_text",
    "text",
]

UiLanguage = Literal["zh-Hans", "zh-Hant", "en"]
LANGUAGES: Final[tuple[UiLanguage, ...]] = ("zh-Hans", "zh-Hant", "en")

_HANT_TAGS = ("zh-hant", "zh-tw", "zh-hk", "zh-mo")


def language_for(language_code: str | None) -> UiLanguage:
    """Interface language from Telegram's ``language_code`` (an IETF tag, any case).

    zh-TW, zh-HK, zh-MO and zh-Hant* read Traditional; any other zh reads
    Simplified; everything else (or nothing) reads English.
    """
    code = (language_code or "").strip().lower().replace("_", "-")
    if code == "zh" or code.startswith("zh-"):
        return "zh-Hant" if code.startswith(_HANT_TAGS) else "zh-Hans"
    return "en"


M = dict[UiLanguage, str]

MESSAGES: Final[dict[str, M]] = {
    # --- /start and /help -------------------------------------------------
    "start": {
        "zh-Hans": "你好！我是<b>摘要</b>机器人。\n"
        "把一篇中文或英文新闻粘贴或转发给我，我回复一份简短的摘要。\n"
        "在群里：回复一条消息发 /summary。发 /help 查看更多。",
        "zh-Hant": "你好！我是<b>摘要</b>機器人。\n"
        "把一篇中文或英文新聞貼上或轉發給我，我回覆一份簡短的摘要。\n"
        "在群組裡：回覆一則訊息傳 /summary。傳 /help 查看更多。",
        "en": "Hi! I'm <b>zhaiyao</b> (摘要).\n"
        "Paste or forward a Chinese or English news article and I reply with a short digest.\n"
        "In groups: reply to a message with /summary. Send /help for more.",
    },
    "help_private": {
        "zh-Hans": "<b>用法</b>\n"
        "• 粘贴或转发一篇文章（分几条转发也行），我回复摘要。\n"
        "• 图片或视频的说明文字也可以。\n"
        "• 文章链接（一次最多 3 个），或文件：.txt .md .html .pdf .docx。\n"
        "• /summary 文字：摘要这段文字。\n"
        "同一篇文章再发一次，我直接给出之前的摘要。",
        "zh-Hant": "<b>用法</b>\n"
        "• 貼上或轉發一篇文章（分幾則轉發也可以），我回覆摘要。\n"
        "• 圖片或影片的說明文字也可以。\n"
        "• 文章連結（一次最多 3 個），或檔案：.txt .md .html .pdf .docx。\n"
        "• /summary 文字：摘要這段文字。\n"
        "同一篇文章再傳一次，我直接給出之前的摘要。",
        "en": "<b>How to use</b>\n"
        "• Paste or forward an article (several forwarded parts are fine); I reply with a digest.\n"
        "• Photo and video captions work too.\n"
        "• Links to articles (up to 3 at a time), or files: .txt .md .html .pdf .docx.\n"
        "• /summary text: digest that text.\n"
        "Send the same article again and you get the stored digest at once.",
    },
    "help_group": {
        "zh-Hans": "<b>群里的用法</b>\n"
        "• 回复一条消息发 /summary：摘要那条消息（文字、链接或文件）。\n"
        "• /summary 文字或链接：摘要这段文字或那篇文章。\n"
        "• 只发 /summary：汇总过去 24 小时群里分享的文章。\n"
        "除非管理员用 /auto on 打开自动摘要，我不会主动回复群里的普通消息。",
        "zh-Hant": "<b>群組裡的用法</b>\n"
        "• 回覆一則訊息傳 /summary：摘要那則訊息（文字、連結或檔案）。\n"
        "• /summary 文字或連結：摘要這段文字或那篇文章。\n"
        "• 只傳 /summary：彙整過去 24 小時群組裡分享的文章。\n"
        "除非管理員用 /auto on 開啟自動摘要，我不會主動回覆群組裡的一般訊息。",
        "en": "<b>In groups</b>\n"
        "• Reply to a message with /summary: digest that message (text, links or a file).\n"
        "• /summary text or link: digest that text or that article.\n"
        "• /summary alone: the articles shared here in the last 24 hours.\n"
        "I never reply to ordinary group messages on my own, unless an admin turns on /auto.",
    },
    "cmd_start": {"zh-Hans": "开始", "zh-Hant": "開始", "en": "Start"},
    "cmd_help": {"zh-Hans": "用法", "zh-Hant": "用法", "en": "How to use the bot"},
    "cmd_summary": {
        "zh-Hans": "摘要一条消息或一段文字",
        "zh-Hant": "摘要一則訊息或一段文字",
        "en": "Digest a message or a text",
    },
    # --- answers to input --------------------------------------------------
    "hint_short": {
        "zh-Hans": "这段文字太短，不像一篇文章。把新闻全文粘贴或转发给我，我回复摘要。",
        "zh-Hant": "這段文字太短，不像一篇文章。把新聞全文貼上或轉發給我，我回覆摘要。",
        "en": "That's too short to be an article. Paste or forward a whole news story "
        "and I'll reply with a digest.",
    },
    "no_words": {
        "zh-Hans": "这里没有可以摘要的文字。",
        "zh-Hant": "這裡沒有可以摘要的文字。",
        "en": "There are no words here to summarize.",
    },
    "unsupported_media": {
        "zh-Hans": "我只读文字：请发送文章正文，或带说明文字的图片、视频。",
        "zh-Hant": "我只讀文字：請傳送文章正文，或附說明文字的圖片、影片。",
        "en": "I only read text: send the article itself, or a photo or video with a caption.",
    },
    "reply_has_no_text": {
        "zh-Hans": "你回复的那条消息没有文字可以摘要。",
        "zh-Hant": "你回覆的那則訊息沒有文字可以摘要。",
        "en": "The message you replied to has no text to summarize.",
    },
    "summary_too_short": {
        "zh-Hans": "这段文字太短，不需要摘要。",
        "zh-Hant": "這段文字太短，不需要摘要。",
        "en": "That text is too short to need a digest.",
    },
    "summary_usage_sees_all": {
        "zh-Hans": "过去 24 小时这里还没有人分享文章。\n"
        "• 回复一条消息发 /summary：摘要那条消息。\n"
        "• /summary 文字：摘要这段文字。\n"
        "群里分享的长文章我会记下，之后只发 /summary 就能汇总。",
        "zh-Hant": "過去 24 小時這裡還沒有人分享文章。\n"
        "• 回覆一則訊息傳 /summary：摘要那則訊息。\n"
        "• /summary 文字：摘要這段文字。\n"
        "群組裡分享的長文章我會記下，之後只傳 /summary 就能彙整。",
        "en": "Nothing has been shared here in the last 24 hours.\n"
        "• Reply to a message with /summary: digest that message.\n"
        "• /summary text: digest that text.\n"
        "I keep the long articles shared here, so /summary alone can sum them up later.",
    },
    "summary_usage_privacy": {
        "zh-Hans": "过去 24 小时我在这里没看到文章。\n"
        "• 回复一条消息发 /summary：摘要那条消息。\n"
        "• /summary 文字：摘要这段文字。\n"
        "隐私模式开着，我在群里只看得到命令和回复我的消息。"
        "想让我收集群里分享的文章，请把我设为管理员，"
        "或在 @BotFather 用 /setprivacy 关闭隐私模式。",
        "zh-Hant": "過去 24 小時我在這裡沒看到文章。\n"
        "• 回覆一則訊息傳 /summary：摘要那則訊息。\n"
        "• /summary 文字：摘要這段文字。\n"
        "隱私模式開著，我在群組裡只看得到指令和回覆我的訊息。"
        "想讓我收集群組裡分享的文章，請把我設為管理員，"
        "或在 @BotFather 用 /setprivacy 關閉隱私模式。",
        "en": "I haven't seen any articles here in the last 24 hours.\n"
        "• Reply to a message with /summary: digest that message.\n"
        "• /summary text: digest that text.\n"
        "Privacy mode is on, so in groups I only see commands and replies to me. "
        "To let me collect the articles shared here, make me an admin, "
        "or turn privacy off with /setprivacy in @BotFather.",
    },
    # /summary alone: the chat's roll-up, laid out like the daily digest below
    "roll_up_heading": {
        "zh-Hans": "<b>过去 {hours} 小时分享的文章</b>",
        "zh-Hant": "<b>過去 {hours} 小時分享的文章</b>",
        "en": "<b>Shared here in the last {hours} hours</b>",
    },
    # --- the digest footer: units follow the article, words follow the reader ----
    "footer_chars": {
        "zh-Hans": "{source} 字 → {digest} 字 · 约 {minutes} 分钟读完",
        "zh-Hant": "{source} 字 → {digest} 字 · 約 {minutes} 分鐘讀完",
        "en": "{source} chars → {digest} chars · {minutes} min read",
    },
    "footer_words": {
        "zh-Hans": "{source} 词 → {digest} 词 · 约 {minutes} 分钟读完",
        "zh-Hant": "{source} 詞 → {digest} 詞 · 約 {minutes} 分鐘讀完",
        "en": "{source} words → {digest} words · {minutes} min read",
    },
    # --- failures ----------------------------------------------------------
    "apology": {
        "zh-Hans": "抱歉，出了点问题，请稍后再试。",
        "zh-Hant": "抱歉，出了點問題，請稍後再試。",
        "en": "Sorry, something went wrong. Please try again later.",
    },
    "reason_empty": {
        "zh-Hans": "消息是空的，没有可以摘要的内容。",
        "zh-Hant": "訊息是空的，沒有可以摘要的內容。",
        "en": "The message is empty: nothing to summarize.",
    },
    "reason_binary": {
        "zh-Hans": "这看起来不是文字，无法摘要。",
        "zh-Hant": "這看起來不是文字，無法摘要。",
        "en": "That doesn't look like text, so I can't summarize it.",
    },
    "reason_no_text": {
        "zh-Hans": "这里没有可以摘要的文字。",
        "zh-Hant": "這裡沒有可以摘要的文字。",
        "en": "There are no words here to summarize.",
    },
    "reason_unsupported_format": {
        "zh-Hans": "这种文件格式我读不了。",
        "zh-Hant": "這種檔案格式我讀不了。",
        "en": "I can't read that file format.",
    },
    "reason_too_large": {
        "zh-Hans": "内容太大，我处理不了。",
        "zh-Hant": "內容太大，我處理不了。",
        "en": "That's too large for me to handle.",
    },
    "reason_no_text_layer": {
        "zh-Hans": "这个 PDF 里没有文字（可能是扫描件）。",
        "zh-Hant": "這個 PDF 裡沒有文字（可能是掃描檔）。",
        "en": "That PDF has no text in it (perhaps a scan).",
    },
    "reason_undecodable": {
        "zh-Hans": "认不出这个文件的文字编码。",
        "zh-Hant": "認不出這個檔案的文字編碼。",
        "en": "I can't tell how that file's text is encoded.",
    },
    "reason_corrupt": {
        "zh-Hans": "这个文件已损坏，或者内容和类型对不上。",
        "zh-Hant": "這個檔案已損壞，或者內容和類型對不上。",
        "en": "That file is damaged, or its content doesn't match its type.",
    },
    "reason_encrypted": {
        "zh-Hans": "这个 PDF 有密码保护，我打不开。",
        "zh-Hant": "這個 PDF 有密碼保護，我打不開。",
        "en": "That PDF is password-protected, so I can't open it.",
    },
    "reason_too_complex": {
        "zh-Hans": "这个文件结构太复杂（解开后过大或读取太慢），我读不了。",
        "zh-Hant": "這個檔案結構太複雜（解開後過大或讀取太慢），我讀不了。",
        "en": "That file is too complex for me to read (it unpacks to too much or takes too long).",
    },
    "fetch_blocked_address": {
        "zh-Hans": "这个链接指向内部地址，我不会访问。",
        "zh-Hant": "這個連結指向內部位址，我不會存取。",
        "en": "That link points to a private address; I won't open it.",
    },
    "fetch_bad_scheme": {
        "zh-Hans": "我只打开 http 和 https 链接。",
        "zh-Hant": "我只開啟 http 和 https 連結。",
        "en": "I only open http and https links.",
    },
    "fetch_blocked_port": {
        "zh-Hans": "这个链接用的端口我不会访问。",
        "zh-Hant": "這個連結用的連接埠我不會存取。",
        "en": "I don't open links to that port.",
    },
    "fetch_bad_url": {
        "zh-Hans": "这不是一个有效的链接。",
        "zh-Hant": "這不是一個有效的連結。",
        "en": "That isn't a valid link.",
    },
    "fetch_too_large": {
        "zh-Hans": "这个网页太大，我没有下载。",
        "zh-Hant": "這個網頁太大，我沒有下載。",
        "en": "That page is too large; I didn't download it.",
    },
    "fetch_timeout": {
        "zh-Hans": "网页打开超时，请稍后再试。",
        "zh-Hant": "網頁開啟逾時，請稍後再試。",
        "en": "The page took too long to load. Please try again later.",
    },
    "fetch_http_status": {
        "zh-Hans": "网站返回了错误，打不开这个网页。",
        "zh-Hant": "網站回傳了錯誤，打不開這個網頁。",
        "en": "The site returned an error, so I couldn't open the page.",
    },
    "fetch_unsupported_type": {
        "zh-Hans": "这个链接不是网页或我能读的文件。",
        "zh-Hant": "這個連結不是網頁或我能讀的檔案。",
        "en": "That link isn't a page or a file I can read.",
    },
    "fetch_too_many_redirects": {
        "zh-Hans": "这个链接跳转太多次，我放弃了。",
        "zh-Hant": "這個連結轉址太多次，我放棄了。",
        "en": "That link redirects too many times; I gave up.",
    },
    "fetch_network": {
        "zh-Hans": "连不上这个网站，请稍后再试。",
        "zh-Hant": "連不上這個網站，請稍後再試。",
        "en": "I couldn't reach that site. Please try again later.",
    },
    "fetch_not_article": {
        "zh-Hans": "这个网页上没有找到文章正文。",
        "zh-Hant": "這個網頁上沒有找到文章正文。",
        "en": "I couldn't find an article on that page.",
    },
    "fetch_http_status_code": {
        "zh-Hans": "网站返回了错误（HTTP {status}），打不开这个网页。",
        "zh-Hant": "網站回傳了錯誤（HTTP {status}），打不開這個網頁。",
        "en": "The site answered with an error (HTTP {status}), so I couldn't open the page.",
    },
    "fetch_unreadable": {
        "zh-Hans": "链接指向的文件我读不出来。",
        "zh-Hant": "連結指向的檔案我讀不出來。",
        "en": "I couldn't read the file that link points to.",
    },
    "fetch_unsupported_encoding": {
        "zh-Hans": "这个网页的压缩格式我读不了。",
        "zh-Hant": "這個網頁的壓縮格式我讀不了。",
        "en": "That page is compressed in a way I can't read.",
    },
    "page_verification_page": {
        "zh-Hans": "网站要求人机验证，我拿不到文章。",
        "zh-Hant": "網站要求真人驗證，我拿不到文章。",
        "en": "The site wants a human check first, so I couldn't get the article.",
    },
    "page_login_wall": {
        "zh-Hans": "这篇文章要登录才能看。",
        "zh-Hant": "這篇文章要登入才能看。",
        "en": "That article is only for signed-in readers.",
    },
    "page_paywall": {
        "zh-Hans": "这篇文章在付费墙后面。",
        "zh-Hant": "這篇文章在付費牆後面。",
        "en": "That article is behind a paywall.",
    },
    "page_error_page": {
        "zh-Hans": "网站给出的是错误页面，不是文章。",
        "zh-Hant": "網站給出的是錯誤頁面，不是文章。",
        "en": "The site showed an error page, not the article.",
    },
    "page_too_little_text": {
        "zh-Hans": "这个网页上的文字太少，不像一篇文章。",
        "zh-Hant": "這個網頁上的文字太少，不像一篇文章。",
        "en": "That page has too little text to be an article.",
    },
    # --- daily digest subscriptions (bot/handlers/subscriptions.py) ----------------
    "help_daily": {
        "zh-Hans": "<b>每日摘要</b>\n"
        "• /subscribe 08:30 Asia/Shanghai：每天定时收到当天文章的摘要。\n"
        "• /digest：现在就看目前为止的摘要。/unsubscribe：取消。\n"
        "• /filter add 钉钉：只看提到关键词或标签的文章。\n"
        "• /settings：查看设置。/forget：删除这里保存的全部数据。",
        "zh-Hant": "<b>每日摘要</b>\n"
        "• /subscribe 08:30 Asia/Taipei：每天定時收到當天文章的摘要。\n"
        "• /digest：現在就看目前為止的摘要。/unsubscribe：取消。\n"
        "• /filter add 釘釘：只看提到關鍵字或標籤的文章。\n"
        "• /settings：查看設定。/forget：刪除這裡儲存的全部資料。",
        "en": "<b>Daily digest</b>\n"
        "• /subscribe 08:30 Europe/Berlin: the day's articles, summed up, every day.\n"
        "• /digest: the digest so far, now. /unsubscribe: stop.\n"
        "• /filter add DingTalk: only articles that mention a keyword or tag.\n"
        "• /settings: your settings. /forget: delete everything stored for this chat.",
    },
    "cmd_subscribe": {
        "zh-Hans": "每天定时发送摘要（时间 时区）",
        "zh-Hant": "每天定時傳送摘要（時間 時區）",
        "en": "Daily digest at a time (HH:MM zone)",
    },
    "cmd_unsubscribe": {
        "zh-Hans": "取消每日摘要",
        "zh-Hant": "取消每日摘要",
        "en": "Stop the daily digest",
    },
    "cmd_digest": {
        "zh-Hans": "现在发送目前为止的摘要",
        "zh-Hant": "現在傳送目前為止的摘要",
        "en": "The digest so far, now",
    },
    "cmd_settings": {"zh-Hans": "查看设置", "zh-Hant": "查看設定", "en": "Show the settings"},
    "cmd_filter": {
        "zh-Hans": "按关键词或标签筛选摘要",
        "zh-Hant": "按關鍵字或標籤篩選摘要",
        "en": "Filter the digest by keyword or tag",
    },
    "cmd_auto": {
        "zh-Hans": "自动摘要群里的长文章（on/off）",
        "zh-Hant": "自動摘要群組裡的長文章（on/off）",
        "en": "Summarize long group posts automatically (on/off)",
    },
    "cmd_forget": {
        "zh-Hans": "删除这里保存的全部数据",
        "zh-Hant": "刪除這裡儲存的全部資料",
        "en": "Delete everything stored for this chat",
    },
    "sub_confirm": {
        "zh-Hans": "好的，每天 {time}（{zone}）发送当天的摘要。\n下一次：{next}。",
        "zh-Hant": "好的，每天 {time}（{zone}）傳送當天的摘要。\n下一次：{next}。",
        "en": "Done: the day's digest every day at {time} ({zone}).\nNext one: {next}.",
    },
    "sub_bad_time": {
        "zh-Hans": "看不懂时间「{value}」。请用 24 小时制，例如：/subscribe 08:30 "
        "或 /subscribe 21:00 Asia/Taipei",
        "zh-Hant": "看不懂時間「{value}」。請用 24 小時制，例如：/subscribe 08:30 "
        "或 /subscribe 21:00 Asia/Taipei",
        "en": "I can't read the time “{value}”. Use 24-hour HH:MM, for example: "
        "/subscribe 08:30 or /subscribe 21:00 Asia/Taipei",
    },
    "sub_bad_zone": {
        "zh-Hans": "不认识时区「{value}」。请用 IANA 时区名，例如：/subscribe 21:00 Asia/Taipei",
        "zh-Hant": "不認識時區「{value}」。請用 IANA 時區名稱，例如：/subscribe 21:00 Asia/Taipei",
        "en": "I don't know the time zone “{value}”. Use an IANA name, for example: "
        "/subscribe 7:00 Europe/Berlin",
    },
    "unsub_done": {
        "zh-Hans": "已取消每日摘要。",
        "zh-Hant": "已取消每日摘要。",
        "en": "The daily digest is off.",
    },
    "unsub_none": {
        "zh-Hans": "这里没有订阅每日摘要。用 /subscribe 08:30 订阅。",
        "zh-Hant": "這裡沒有訂閱每日摘要。用 /subscribe 08:30 訂閱。",
        "en": "There is no daily digest here. Start one with /subscribe 08:30.",
    },
    "admin_only": {
        "zh-Hans": "只有群管理员可以更改这项设置。",
        "zh-Hant": "只有群組管理員可以更改這項設定。",
        "en": "Only the group's admins can change this.",
    },
    "digest_nothing": {
        "zh-Hans": "上次摘要之后还没有新文章。",
        "zh-Hant": "上次摘要之後還沒有新文章。",
        "en": "No new articles since the last digest.",
    },
    "daily_heading": {
        "zh-Hans": "<b>每日摘要 · {date}</b>",
        "zh-Hant": "<b>每日摘要 · {date}</b>",
        "en": "<b>Daily digest · {date}</b>",
    },
    "daily_counts": {
        "zh-Hans": "<i>{articles} 篇文章，{stories} 条新闻</i>",
        "zh-Hant": "<i>{articles} 篇文章，{stories} 則新聞</i>",
        "en": "<i>{articles} articles, {stories} stories</i>",
    },
    "daily_untagged": {"zh-Hans": "其他", "zh-Hant": "其他", "en": "Other"},
    "daily_more": {
        "zh-Hans": "……另有 {count} 条新闻未列出",
        "zh-Hant": "……另有 {count} 則新聞未列出",
        "en": "…and {count} more stories",
    },
    "daily_empty": {
        "zh-Hans": "{date}：今天没有新文章。",
        "zh-Hant": "{date}：今天沒有新文章。",
        "en": "{date}: no new articles today.",
    },
    "date_long": {
        "zh-Hans": "{year}年{month_name}{day}日",
        "zh-Hant": "{year}年{month_name}{day}日",
        "en": "{day} {month_name} {year}",
    },
    "date_time": {
        "zh-Hans": "{date} {time}",
        "zh-Hant": "{date} {time}",
        "en": "{date}, {time}",
    },
    "month_names": {
        "zh-Hans": "1月 2月 3月 4月 5月 6月 7月 8月 9月 10月 11月 12月",
        "zh-Hant": "1月 2月 3月 4月 5月 6月 7月 8月 9月 10月 11月 12月",
        "en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
    },
    "settings_header": {
        "zh-Hans": "<b>设置</b>",
        "zh-Hant": "<b>設定</b>",
        "en": "<b>Settings</b>",
    },
    "settings_subscribed": {
        "zh-Hans": "每日摘要：每天 {time}（{zone}），下一次 {next}",
        "zh-Hant": "每日摘要：每天 {time}（{zone}），下一次 {next}",
        "en": "Daily digest: every day at {time} ({zone}), next {next}",
    },
    "settings_paused": {
        "zh-Hans": "每日摘要：已暂停（{time}，{zone}）：消息发不出去。用 /subscribe 重新开启。",
        "zh-Hant": "每日摘要：已暫停（{time}，{zone}）：訊息傳不出去。用 /subscribe 重新開啟。",
        "en": "Daily digest: paused ({time}, {zone}): messages could not be delivered. "
        "/subscribe turns it back on.",
    },
    "settings_unsubscribed": {
        "zh-Hans": "每日摘要：未订阅（/subscribe 08:30）",
        "zh-Hant": "每日摘要：未訂閱（/subscribe 08:30）",
        "en": "Daily digest: off (/subscribe 08:30)",
    },
    "settings_language": {
        "zh-Hans": "语言：简体中文",
        "zh-Hant": "語言：繁體中文",
        "en": "Language: English",
    },
    "settings_filters": {
        "zh-Hans": "筛选：{filters}",
        "zh-Hant": "篩選：{filters}",
        "en": "Filters: {filters}",
    },
    "settings_no_filters": {
        "zh-Hans": "筛选：无（全部文章）",
        "zh-Hant": "篩選：無（全部文章）",
        "en": "Filters: none (every article)",
    },
    "settings_auto_on": {
        "zh-Hans": "自动摘要：开",
        "zh-Hant": "自動摘要：開",
        "en": "Automatic summaries: on",
    },
    "settings_auto_off": {
        "zh-Hans": "自动摘要：关",
        "zh-Hant": "自動摘要：關",
        "en": "Automatic summaries: off",
    },
    "settings_empty_silent": {
        "zh-Hans": "没有文章的日子：不发消息（/settings emptyday on 改为发一行提示）",
        "zh-Hant": "沒有文章的日子：不傳訊息（/settings emptyday on 改為傳一行提示）",
        "en": "Days without articles: no message (/settings emptyday on sends one line)",
    },
    "settings_empty_one_line": {
        "zh-Hans": "没有文章的日子：发一行提示（/settings emptyday off 关闭）",
        "zh-Hant": "沒有文章的日子：傳一行提示（/settings emptyday off 關閉）",
        "en": "Days without articles: one line (/settings emptyday off for none)",
    },
    "settings_usage": {
        "zh-Hans": "用法：/settings 查看设置；/settings emptyday on|off",
        "zh-Hant": "用法：/settings 查看設定；/settings emptyday on|off",
        "en": "Usage: /settings to see them; /settings emptyday on|off",
    },
    "filter_added": {
        "zh-Hans": "已添加筛选「{term}」。摘要只包含提到任一筛选词的文章。",
        "zh-Hant": "已新增篩選「{term}」。摘要只包含提到任一篩選詞的文章。",
        "en": "Filter “{term}” added. The digest now holds only articles that match a filter.",
    },
    "filter_exists": {
        "zh-Hans": "已经有筛选「{term}」了。",
        "zh-Hant": "已經有篩選「{term}」了。",
        "en": "The filter “{term}” is already there.",
    },
    "filter_removed": {
        "zh-Hans": "已删除筛选「{term}」。",
        "zh-Hant": "已刪除篩選「{term}」。",
        "en": "Filter “{term}” removed.",
    },
    "filter_missing": {
        "zh-Hans": "没有筛选「{term}」。",
        "zh-Hant": "沒有篩選「{term}」。",
        "en": "There is no filter “{term}”.",
    },
    "filter_list": {
        "zh-Hans": "筛选：{filters}",
        "zh-Hant": "篩選：{filters}",
        "en": "Filters: {filters}",
    },
    "filter_none": {
        "zh-Hans": "没有筛选：摘要包含全部文章。",
        "zh-Hant": "沒有篩選：摘要包含全部文章。",
        "en": "No filters: the digest holds every article.",
    },
    "filter_usage": {
        "zh-Hans": "用法：/filter add 钉钉 · /filter remove 钉钉 · /filter list\n"
        "筛选词是普通关键词或标签（不是正则表达式）。",
        "zh-Hant": "用法：/filter add 釘釘 · /filter remove 釘釘 · /filter list\n"
        "篩選詞是一般關鍵字或標籤（不是正規表示式）。",
        "en": "Usage: /filter add DingTalk · /filter remove DingTalk · /filter list\n"
        "A filter is a plain keyword or a tag (not a regular expression).",
    },
    "filter_too_long": {
        "zh-Hans": "筛选词最多 {max} 个字符。",
        "zh-Hant": "篩選詞最多 {max} 個字元。",
        "en": "A filter can be at most {max} characters.",
    },
    "filter_too_many": {
        "zh-Hans": "最多 {max} 个筛选词，请先删除一些。",
        "zh-Hant": "最多 {max} 個篩選詞，請先刪除一些。",
        "en": "At most {max} filters: remove some first.",
    },
    "auto_on": {
        "zh-Hans": "自动摘要已开启：群里的长文章我会各回复一份摘要（每分钟最多一条）。",
        "zh-Hant": "自動摘要已開啟：群組裡的長文章我會各回覆一份摘要（每分鐘最多一則）。",
        "en": "Automatic summaries are on: I reply to each long article posted here "
        "(at most one reply a minute).",
    },
    "auto_on_privacy": {
        "zh-Hans": "自动摘要已开启，但隐私模式下我看不到群里的消息。"
        "请把我设为管理员，或在 @BotFather 用 /setprivacy 关闭隐私模式。",
        "zh-Hant": "自動摘要已開啟，但隱私模式下我看不到群組裡的訊息。"
        "請把我設為管理員，或在 @BotFather 用 /setprivacy 關閉隱私模式。",
        "en": "Automatic summaries are on, but with privacy mode I can't see the messages "
        "here. Make me an admin, or turn privacy off with /setprivacy in @BotFather.",
    },
    "auto_off": {
        "zh-Hans": "自动摘要已关闭。",
        "zh-Hant": "自動摘要已關閉。",
        "en": "Automatic summaries are off.",
    },
    "auto_usage": {
        "zh-Hans": "用法：/auto on 或 /auto off",
        "zh-Hant": "用法：/auto on 或 /auto off",
        "en": "Usage: /auto on or /auto off",
    },
    "auto_groups_only": {
        "zh-Hans": "自动摘要只用于群组；私聊里每篇文章我都会回复。",
        "zh-Hant": "自動摘要只用於群組；私訊裡每篇文章我都會回覆。",
        "en": "Automatic summaries are for groups; in private I answer every article anyway.",
    },
    "forget_confirm": {
        "zh-Hans": "要删除这里保存的全部数据吗？包括文章、摘要记录、订阅、筛选和关注的新闻源。"
        "无法恢复。",
        "zh-Hant": "要刪除這裡儲存的全部資料嗎？包括文章、摘要紀錄、訂閱、篩選和追蹤的新聞來源。"
        "無法復原。",
        "en": "Delete everything stored for this chat? Articles, digests, the subscription, "
        "filters and followed feeds. This can't be undone.",
    },
    "forget_yes": {"zh-Hans": "全部删除", "zh-Hant": "全部刪除", "en": "Delete everything"},
    "forget_no": {"zh-Hans": "取消", "zh-Hant": "取消", "en": "Cancel"},
    "forget_done": {
        "zh-Hans": "已删除这里保存的全部数据。",
        "zh-Hant": "已刪除這裡儲存的全部資料。",
        "en": "Everything stored for this chat is deleted.",
    },
    "forget_cancelled": {
        "zh-Hans": "已取消，什么都没删除。",
        "zh-Hant": "已取消，什麼都沒刪除。",
        "en": "Cancelled: nothing was deleted.",
    },
    # --- links and files (bot/handlers/link_answers.py, bot/handlers/documents.py) --------
    "link_failed": {
        "zh-Hans": "无法读取 {host} 上的文章：",
        "zh-Hant": "無法讀取 {host} 上的文章：",
        "en": "Couldn't read the article at {host}: ",
    },
    "links_none": {
        "zh-Hans": "这里的链接不像文章（视频、图片、Telegram 消息和网站首页我读不了）。"
        "把文章的链接或全文发给我。",
        "zh-Hant": "這裡的連結不像文章（影片、圖片、Telegram 訊息和網站首頁我讀不了）。"
        "把文章的連結或全文傳給我。",
        "en": "Those links don't look like articles (I can't read videos, images, Telegram "
        "posts or home pages). Send me an article's link or its text.",
    },
    "unsupported_file": {
        "zh-Hans": "这种文件我读不了。我能读的文件：{types}",
        "zh-Hant": "這種檔案我讀不了。我能讀的檔案：{types}",
        "en": "I can't read that kind of file. Files I can read: {types}",
    },
    "file_too_large": {
        "zh-Hans": "这个文件太大了（上限 {limit} MB），我没有下载。",
        "zh-Hant": "這個檔案太大了（上限 {limit} MB），我沒有下載。",
        "en": "That file is too large (the limit is {limit} MB), so I didn't download it.",
    },
    "file_download_failed": {
        "zh-Hans": "这个文件下载失败了，请再发一次。",
        "zh-Hant": "這個檔案下載失敗了，請再傳一次。",
        "en": "I couldn't download that file. Please send it again.",
    },
    "file_not_article": {
        "zh-Hans": "这个文件里没有找到文章正文。",
        "zh-Hant": "這個檔案裡沒有找到文章正文。",
        "en": "I couldn't find an article in that file.",
    },
    # --- news feeds (bot/handlers/feeds.py) ------------------------------------------
    "cmd_feed": {
        "zh-Hans": "关注新闻源（RSS、Atom、JSON Feed）",
        "zh-Hant": "追蹤新聞來源（RSS、Atom、JSON Feed）",
        "en": "Follow news feeds (RSS, Atom, JSON Feed)",
    },
    "help_feeds": {
        "zh-Hans": "<b>新闻源</b>\n"
        "• /feed add 网址：关注一个 RSS/Atom/JSON 源（或宣告了源的网页），"
        "新文章进入每日摘要。\n"
        "• /feed：列出关注的源。/feed remove 编号：取消关注。\n"
        "• /feed export：导出 .opml 文件；私聊发 .opml 文件即可导入"
        "（群里回复它发 /feed import）。",
        "zh-Hant": "<b>新聞來源</b>\n"
        "• /feed add 網址：追蹤一個 RSS/Atom/JSON 來源（或宣告了來源的網頁），"
        "新文章進入每日摘要。\n"
        "• /feed：列出追蹤的來源。/feed remove 編號：取消追蹤。\n"
        "• /feed export：匯出 .opml 檔案；私訊傳 .opml 檔案即可匯入"
        "（群組裡回覆它傳 /feed import）。",
        "en": "<b>News feeds</b>\n"
        "• /feed add URL: follow an RSS/Atom/JSON feed (or a page that announces one); "
        "its new items go into the daily digest.\n"
        "• /feed: the feeds followed here. /feed remove 2: stop following one.\n"
        "• /feed export: an .opml file; send an .opml file in private to import one "
        "(in a group, reply to it with /feed import).",
    },
    "feed_usage": {
        "zh-Hans": "用法：/feed add 网址 · /feed list · /feed remove 编号或网址 · "
        "/feed export · /feed import（回复一个 .opml 文件）",
        "zh-Hant": "用法：/feed add 網址 · /feed list · /feed remove 編號或網址 · "
        "/feed export · /feed import（回覆一個 .opml 檔案）",
        "en": "Usage: /feed add URL · /feed list · /feed remove NUMBER or URL · "
        "/feed export · /feed import (as a reply to an .opml file)",
    },
    "feed_added": {
        "zh-Hans": "已关注 <b>{title}</b>（源里现有 {count} 条）。\n{url}",
        "zh-Hant": "已追蹤 <b>{title}</b>（來源裡現有 {count} 則）。\n{url}",
        "en": "Now following <b>{title}</b> ({count} items in the feed now).\n{url}",
    },
    "feed_next_digest": {
        "zh-Hans": "之后的新文章会进入这里的每日摘要（每 {minutes} 分钟检查一次）；"
        "/digest 可以先看目前为止的摘要。",
        "zh-Hant": "之後的新文章會進入這裡的每日摘要（每 {minutes} 分鐘檢查一次）；"
        "/digest 可以先看目前為止的摘要。",
        "en": "New items go into this chat's daily digest (checked every {minutes} min); "
        "/digest shows the digest so far.",
    },
    "feed_next_subscribe": {
        "zh-Hans": "新文章会进入每日摘要，但这里还没有订阅：用 /subscribe 08:30 开启。"
        "（每 {minutes} 分钟检查一次；/digest 可以先看目前为止的摘要。）",
        "zh-Hant": "新文章會進入每日摘要，但這裡還沒有訂閱：用 /subscribe 08:30 開啟。"
        "（每 {minutes} 分鐘檢查一次；/digest 可以先看目前為止的摘要。）",
        "en": "New items go into the daily digest, but this chat has none yet: "
        "/subscribe 08:30 starts one. (Checked every {minutes} min; /digest shows it so far.)",
    },
    "feed_exists": {
        "zh-Hans": "这里已经关注了 <b>{title}</b>。",
        "zh-Hant": "這裡已經追蹤了 <b>{title}</b>。",
        "en": "This chat already follows <b>{title}</b>.",
    },
    "feed_list_heading": {
        "zh-Hans": "<b>关注的新闻源</b>（{count}/{max}）",
        "zh-Hant": "<b>追蹤的新聞來源</b>（{count}/{max}）",
        "en": "<b>Feeds followed here</b> ({count}/{max})",
    },
    "feed_list_none": {
        "zh-Hans": "这里没有关注任何新闻源。用 /feed add 网址 添加。",
        "zh-Hant": "這裡沒有追蹤任何新聞來源。用 /feed add 網址 新增。",
        "en": "This chat follows no feeds. Add one with /feed add URL.",
    },
    "feed_list_ok": {
        "zh-Hans": "上次成功读取：{when}",
        "zh-Hant": "上次成功讀取：{when}",
        "en": "last read {when}",
    },
    "feed_list_pending": {
        "zh-Hans": "还没有读取过",
        "zh-Hant": "還沒有讀取過",
        "en": "not read yet",
    },
    # the reason's own message follows these two (it is HTML already)
    "feed_list_error": {
        "zh-Hans": "上次读取失败：",
        "zh-Hant": "上次讀取失敗：",
        "en": "the last read failed: ",
    },
    "feed_list_failing": {
        "zh-Hans": "从 {when} 起一直读取失败：",
        "zh-Hant": "從 {when} 起一直讀取失敗：",
        "en": "failing since {when}: ",
    },
    "feed_removed": {
        "zh-Hans": "已取消关注 <b>{title}</b>。",
        "zh-Hant": "已取消追蹤 <b>{title}</b>。",
        "en": "Stopped following <b>{title}</b>.",
    },
    "feed_export_none": {
        "zh-Hans": "这里没有关注任何新闻源，没有可以导出的。",
        "zh-Hant": "這裡沒有追蹤任何新聞來源，沒有可以匯出的。",
        "en": "This chat follows no feeds, so there is nothing to export.",
    },
    "feed_export_caption": {
        "zh-Hans": "{count} 个新闻源（OPML）",
        "zh-Hant": "{count} 個新聞來源（OPML）",
        "en": "{count} feeds (OPML)",
    },
    "feed_import_usage": {
        "zh-Hans": "把 .opml 文件发给我（群里：回复那个文件发 /feed import）。",
        "zh-Hant": "把 .opml 檔案傳給我（群組裡：回覆那個檔案傳 /feed import）。",
        "en": "Send me an .opml file (in a group: reply to it with /feed import).",
    },
    "feed_import_report": {
        "zh-Hans": "<b>OPML 导入</b>：新增 {added} 个，已有 {exists} 个，失败 {failed} 个。",
        "zh-Hant": "<b>OPML 匯入</b>：新增 {added} 個，已有 {exists} 個，失敗 {failed} 個。",
        "en": "<b>OPML import</b>: {added} added, {exists} already here, {failed} failed.",
    },
    "feed_import_line": {  # the reason's own message follows
        "zh-Hans": "• {name}：",
        "zh-Hant": "• {name}：",
        "en": "• {name}: ",
    },
    "feed_import_more": {
        "zh-Hans": "……另有 {count} 个失败未列出",
        "zh-Hant": "……另有 {count} 個失敗未列出",
        "en": "…and {count} more failed",
    },
    "feed_too_many": {
        "zh-Hans": "这里已经关注了 {max} 个新闻源，达到上限：请先用 /feed remove 取消一些。",
        "zh-Hant": "這裡已經追蹤了 {max} 個新聞來源，達到上限：請先用 /feed remove 取消一些。",
        "en": "This chat follows {max} feeds, the most it can: remove some first (/feed remove).",
    },
    "feed_not_found": {
        "zh-Hans": "这里没有新闻源「{value}」。/feed list 显示编号。",
        "zh-Hant": "這裡沒有新聞來源「{value}」。/feed list 顯示編號。",
        "en": "There is no feed “{value}” here. /feed list shows the numbers.",
    },
    "feed_bad_url": {
        "zh-Hans": "「{value}」不是一个有效的链接。",
        "zh-Hant": "「{value}」不是一個有效的連結。",
        "en": "“{value}” isn't a valid link.",
    },
    "feed_not_feed": {
        "zh-Hans": "这个链接不是 RSS、Atom 或 JSON Feed 新闻源。",
        "zh-Hant": "這個連結不是 RSS、Atom 或 JSON Feed 新聞來源。",
        "en": "That link is not an RSS, Atom or JSON Feed.",
    },
    "feed_unreadable": {
        "zh-Hans": "这个新闻源坏得太厉害，我读不出来。",
        "zh-Hant": "這個新聞來源壞得太厲害，我讀不出來。",
        "en": "That feed is too broken for me to read.",
    },
    "feed_no_feed": {
        "zh-Hans": "这个网页不是新闻源，也没有宣告任何新闻源。",
        "zh-Hant": "這個網頁不是新聞來源，也沒有宣告任何新聞來源。",
        "en": "That page is not a feed and announces none.",
    },
    "feed_not_opml": {
        "zh-Hans": "这个文件不是 OPML 新闻源列表。",
        "zh-Hant": "這個檔案不是 OPML 新聞來源列表。",
        "en": "That file is not an OPML list of feeds.",
    },
    "feed_unknown_error": {
        "zh-Hans": "读不出来。",
        "zh-Hant": "讀不出來。",
        "en": "it could not be read.",
    },
    # sent once per chat by the poller (bot/feeds/jobs.py); the reason's own message follows
    "feed_failing_notice": {
        "zh-Hans": "⚠️ 新闻源 <b>{title}</b> 已经连续一天读取失败。我会继续重试，"
        "恢复后自动接着收录；不想要了可以用 /feed remove 取消关注。\n{url}\n原因：",
        "zh-Hant": "⚠️ 新聞來源 <b>{title}</b> 已經連續一天讀取失敗。我會繼續重試，"
        "恢復後自動接著收錄；不想要了可以用 /feed remove 取消追蹤。\n{url}\n原因：",
        "en": "⚠️ The feed <b>{title}</b> has failed to load for a day. I keep trying and "
        "pick it up again when it recovers; /feed remove stops following it.\n{url}\nWhy: ",
    },
}


def text(key: str, lang: UiLanguage, /, **values: object) -> str:
    """The message ``key`` in ``lang``, with ``values`` HTML-escaped and filled in.

    A lone surrogate in a value (UTF-8, and so Telegram, cannot carry one) becomes U+FFFD.
    """
    template = MESSAGES[key][lang]
    if not values:
        return template
    return template.format(**{k: _escape(str(v)) for k, v in values.items()})


def _escape(value: str) -> str:
    value = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return html.escape(value, quote=False)


def error_text(
    error: BaseException, lang: UiLanguage, *, about: Literal["text", "file"] = "text"
) -> str:
    """What to tell a user about ``error``: its reason (and detail) when known, else an apology.

    Internal wording (exception messages) never reaches users: only the
    stable ``reason``/``detail`` codes select a message.  ``about="file"``: the
    error came from reading an uploaded file, whose refusals name the file's
    limits (its size cap, the formats read) rather than a page's.
    """
    if about == "file":
        if isinstance(error, NotArticleError):
            return text("file_not_article", lang)
        if isinstance(error, UnsupportedInputError) and error.reason == "unsupported_format":
            return text("unsupported_file", lang, types=" ".join(SUPPORTED_EXTENSIONS))
        if isinstance(error, UnsupportedInputError) and error.reason == "too_large":
            return text("file_too_large", lang, limit=MAX_DOCUMENT_BYTES // (1024 * 1024))
    if isinstance(error, CommandError):
        return text(_COMMAND_ERRORS[error.reason], lang, **error.values)
    if isinstance(error, FeedError):
        return _first(lang, f"feed_{error.reason}")
    if isinstance(error, UnsupportedInputError):
        return _first(lang, f"reason_{error.reason}")
    if isinstance(error, NotArticleError):
        return _first(lang, f"page_{error.reason}", "fetch_not_article")
    if isinstance(error, FetchError):
        detail = error.detail
        if error.reason == "http_status" and detail and str(detail).isdigit():
            return text("fetch_http_status_code", lang, status=detail)
        if error.reason == "not_article" and detail:
            return _first(lang, f"page_{detail}", "fetch_not_article")
        if error.reason == "unreadable" and detail:
            return _first(lang, f"reason_{detail}", "fetch_unreadable")
        return _first(lang, f"fetch_{error.reason}")
    return text("apology", lang)


_COMMAND_ERRORS: Final[dict[CommandReason, str]] = {
    "bad_time": "sub_bad_time",
    "bad_zone": "sub_bad_zone",
    "filter_too_long": "filter_too_long",
    "filter_too_many": "filter_too_many",
    "feed_too_many": "feed_too_many",
    "feed_not_found": "feed_not_found",
    "feed_bad_url": "feed_bad_url",
}


def stored_error_text(code: str | None, lang: UiLanguage) -> str:
    """Words for an error kept as a code, ``reason`` or ``reason:detail`` (a feed's last one).

    A feed's last error is stored, not raised, so it comes back as the stable
    code the error carried: a :data:`~reader.errors.FeedReason` or a
    :data:`~reader.errors.FetchReason` with its detail (``http_status:404``).
    An unknown code (an older version's) gets a neutral sentence.
    """
    reason, _, detail = (code or "").partition(":")
    if reason in get_args(FeedReason) and not detail:
        return error_text(FeedError(reason, reason), lang)  # type: ignore[arg-type]
    if reason in get_args(FetchReason):
        return error_text(FetchError(reason, reason, detail=detail or None), lang)  # type: ignore[arg-type]
    return text("feed_unknown_error", lang)


def _first(lang: UiLanguage, *keys: str) -> str:
    """The first of ``keys`` the table has (fields-free messages), else the apology."""
    for key in keys:
        if key in MESSAGES:
            return text(key, lang)
    return text("apology", lang)
