"""Phone numbers: parse what people type into E.164, and mask numbers for logs."""

import unicodedata
from dataclasses import dataclass

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType


@dataclass(frozen=True)
class ParsedPhone:
    e164: str
    warning: str | None = None  # set when the number is possible but cannot take texts


class InvalidPhone(ValueError):
    """The text is not a phone number at all, or an impossible one."""


def parse_phone(raw: str, region: str = "CN") -> ParsedPhone:
    """Normalize full-width digits, spaces, dashes and +86/0086 prefixes to E.164."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not text:
        raise InvalidPhone("empty")
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException as error:
        raise InvalidPhone(str(error)) from None
    if not phonenumbers.is_possible_number(number):
        raise InvalidPhone("impossible number")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if not phonenumbers.is_valid_number(number):
        return ParsedPhone(e164, "not a valid number")
    kind = phonenumbers.number_type(number)
    if kind not in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE):
        return ParsedPhone(e164, "not a mobile number")
    return ParsedPhone(e164)


def mask(e164: str | None) -> str:
    """+8613812345678 → +86*********78: enough to tell numbers apart in a log, not to dial.

    At most the country code's first digits and the last two digits show, whatever the
    country, so at least half of every number is hidden.
    """
    if not e164:
        return "-"
    if len(e164) <= 6:
        return "*" * len(e164)
    return e164[:3] + "*" * (len(e164) - 5) + e164[-2:]
