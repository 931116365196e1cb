"""Phone numbers: parse what people type into E.164, and mask numbers for logs."""

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

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
    valid = phonenumbers.is_valid_number(number)
    if not valid and not text.startswith("+"):
        abroad = _with_country_code(text, region)  # valid when found
        number, valid = (abroad, True) if abroad else (number, False)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if not valid:
        return ParsedPhone(e164, "not a valid number")
    kind = phonenumbers.number_type(number)
    if kind not in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE):
        return ParsedPhone(e164, "not a mobile number")
    return ParsedPhone(e164)


@lru_cache(maxsize=4096)
def takes_texts(e164: str | None) -> bool:
    """Whether a stored number can receive a text: a valid mobile number (or one its country
    does not tell from a landline). A landline or a number no carrier has given out is kept
    for calls, with the warning parse_phone gave when it was saved, but is never texted: a
    parent's text to it would fail, and with "the first guardian only" the next guardian's
    mobile would not be tried."""
    if not e164:
        return False
    try:  # parse_phone's own rule: a number it saves with a warning cannot take texts
        return parse_phone(e164).warning is None
    except InvalidPhone:
        return False


# Country codes people write without + or 00 in a school of the region: a mainland school's
# parents in Hong Kong, Macao and Taiwan. Never 1: a mistyped 11-digit mobile (12345678901)
# would become a valid number in North America, and a stranger would get the texts.
WRITTEN_WITHOUT_PLUS = {"CN": ("852", "853", "886")}


def _with_country_code(text: str, region: str):
    """852 9123 4567 (a Hong Kong parent's number written without + or 00): the number with
    that country code, when it is valid and the number read as the region's is not."""
    digits = "".join(c for c in text if c.isdigit())
    if not digits.startswith(WRITTEN_WITHOUT_PLUS.get(region, ())):
        return None
    try:
        number = phonenumbers.parse("+" + digits, None)
    except NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


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
