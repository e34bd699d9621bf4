"""zhaiyao's Telegram bot: the shell around :mod:`summarizer`.

Importing this package is cheap and does not import telegram; ``bot.app``
wires the python-telegram-bot application together.
"""
