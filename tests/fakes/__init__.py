"""Test doubles: a fake Telegram Bot API server and its HTML entity parser."""
