"""Logging, configured in create_app (so also for the scheduler and every CLI command):
Rollcall's INFO lines to stderr, one key=value line each, for a log collector to parse.

Call sites mask phone numbers (rollcall.phones.mask); a last filter here masks any number
that slipped through, so no dialable number reaches a log.
"""

import json
import logging
import re
import sys
from datetime import UTC, datetime

from flask import Flask

from rollcall.phones import mask

# A phone number as E.164 (+ and 8-15 digits) or a bare Chinese mobile (11 digits from 1).
_PHONE = re.compile(r"\+\d{8,15}|(?<!\d)1[3-9]\d{9}(?!\d)")


class KeyValueFormatter(logging.Formatter):
    """ts=… level=INFO logger=rollcall.jobs.absence_texts msg="queued 2 absence text(s) …"."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        line = (f"ts={stamp} level={record.levelname} logger={record.name} "
                f"msg={json.dumps(mask_phones(record.getMessage()), ensure_ascii=False)}")
        if record.exc_info:
            line += " exc=" + json.dumps(mask_phones(self.formatException(record.exc_info)),
                                         ensure_ascii=False)
        return line


def mask_phones(text: str) -> str:
    return _PHONE.sub(lambda match: mask(match.group()), text)


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a line is logged (test runners swap it)."""

    def __init__(self):
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


def is_configured() -> bool:
    """True once configure_logger gave the "rollcall" logger its stderr handler."""
    return any(isinstance(handler, StderrHandler)
               for handler in logging.getLogger("rollcall").handlers)


def configure_logger(app: Flask) -> None:
    """One stderr handler on the "rollcall" logger, at LOG_LEVEL (INFO unless configured)."""
    logger = logging.getLogger("rollcall")
    logger.setLevel(app.config["LOG_LEVEL"])
    if not is_configured():
        handler = StderrHandler()
        handler.setFormatter(KeyValueFormatter())
        logger.addHandler(handler)
