"""The mainland carriers' rules, kept for every text to a +86 number whichever the provider.

Carriers in mainland China filter texts strictly: no URL in the content, the sender's
signature 【…】 at the start, and no two-way SMS (a parent's reply or STOP never comes back).
"""

import re

from rollcall.notify.gateway import ALIYUN
from rollcall.notify.models import TextKind

MAINLAND_PREFIX = "+86"
# Texts to parents: the only ones where "replies are not possible: call the parent" is news.
PARENT_TEXTS = frozenset({TextKind.ABSENCE, TextKind.LEFT_AFTER_BAG, TextKind.FOLLOW_UP})
URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|cn|net|org|edu)(?:/\S*)?",
                 re.IGNORECASE)


def is_mainland(phone: str | None) -> bool:
    return bool(phone) and phone.startswith(MAINLAND_PREFIX)


def link_or_page(phone: str | None, link: str, page: str) -> str:
    """Where a text sends its reader: the link, or for a +86 number (its carriers refuse URLs)
    the page named as the reader finds it in Rollcall ("Rollcall › Missing students")."""
    return page if is_mainland(phone) else link


def mainland_body(body: str, signature: str) -> str:
    """The body as mainland carriers accept it: no URL, the signature 【…】 first."""
    body = re.sub(r"[ \t]{2,}", " ", URL.sub("", body)).strip()
    if body.startswith("【"):
        return body
    for lead in (f"{signature}: ", f"{signature}："):  # "School: …" becomes "【School】…"
        if body.startswith(lead):
            body = body[len(lead):]
            break
    return f"【{signature}】{body}"


def carrier_ready(body: str, phone: str, signature: str) -> str:
    """What is stored and sent: mainland numbers get their carriers' rules applied."""
    return mainland_body(body, signature) if is_mainland(phone) else body


def signature(school, provider: str, config) -> str:
    """The 【…】 a text starts with: Aliyun's registered SignName, else the school's name."""
    if provider == ALIYUN and config.get("ALIYUN_SMS_SIGN_NAME"):
        return config["ALIYUN_SMS_SIGN_NAME"]
    return school.name


def replies_possible(phone: str | None, provider: str | None) -> bool:
    """False where a reply can never come back: a +86 number, or a provider without replies."""
    return not is_mainland(phone) and provider != ALIYUN


def text_gets_no_replies(text) -> bool:
    """A parent's text whose replies can never come back (a +86 number or Aliyun)."""
    return text.kind in PARENT_TEXTS and not replies_possible(text.to_e164, text.provider)
