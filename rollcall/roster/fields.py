"""Checks of single values shared by both formats: phones, languages, numbers, lengths."""

import re
import unicodedata

from flask_babel import lazy_gettext as _l

from rollcall.phones import InvalidPhone, parse_phone
from rollcall.roster.data import Roster
from rollcall.roster.problems import phone_warning_text

LANGUAGES = {
    "zh_hans": "zh_Hans", "zh-hans": "zh_Hans", "zh": "zh_Hans", "zh-cn": "zh_Hans",
    "zh_cn": "zh_Hans", "中文": "zh_Hans", "简体中文": "zh_Hans", "chinese": "zh_Hans",
    "en": "en", "english": "en", "英文": "en", "英语": "en",
}


SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?e\+?\d+$", re.IGNORECASE)
FLOAT_ZERO = re.compile(r"^(\+?\d+)\.0+$")
WHITESPACE = re.compile(r"\s+")
INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff]")  # zero-width: pasted from web pages
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"  # Chinese characters
SPACE_BY_CJK = re.compile(rf"(?<=[{CJK}])\s+|\s+(?=[{CJK}])")
# The dots people type between the parts of a name (艾力·买买提): 中点, bullets, katakana's.
NAME_DOT = re.compile(rf"(?<=[{CJK}])[\u00b7\u0387\u2022\u2027\u2219\u22c5\u30fb.](?=[{CJK}])")
SEPARATORS = re.compile(r"[;/,|\n\u3001]")  # after NFKC: ；／，become ; / ,
MAX_DIGITS = 15  # E.164; even 0086 and a mobile number stay within it
CHINESE_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
                   "九": 9, "十": 10, "十一": 11, "十二": 12}
STAGES = {"初": 6, "高": 9}  # 初一 is grade 7, 高一 grade 10
GRADE = re.compile(r"^(?:(?P<number>\d{1,2}|[一二三四五六七八九十]{1,2})年级|"
                   r"(?P<stage>[初高])(?:中)?(?P<year>[一二三]))$")


def spreadsheet_number(roster: Roster, where: tuple[str, int], column: str, raw: str):
    """The digits a spreadsheet cell means, or None with an error: 138….0 is a float's
    rendering of 138…; 1.38123E+10 has lost its last digits."""
    text = unicodedata.normalize("NFKC", raw).strip()
    if SCIENTIFIC.match(text.replace(" ", "")):
        roster.error(*where, column, _l(
            "the number is in scientific notation (科学计数法), so its last digits are lost: "
            "set the column's format to Text (文本) and type the numbers again"), raw)
        return None
    if match := FLOAT_ZERO.match(text):
        return match[1]
    return text


def spreadsheet_phone(roster: Roster, where: tuple[str, int], column: str, raw: str):
    """The number a spreadsheet cell means, or None with an error (spreadsheet_number); two
    numbers belong on two rows."""
    text = spreadsheet_number(roster, where, column, raw)
    if text is None:
        return None
    if FLOAT_ZERO.match(unicodedata.normalize("NFKC", raw).strip()):
        return text
    digits = sum(char.isdigit() for char in text)
    parts = [part for part in SEPARATORS.split(text) if any(c.isdigit() for c in part)]
    if len(parts) > 1 or digits > MAX_DIGITS:
        roster.error(*where, column, _l(
            "one number per cell: put the second guardian on a row of their own"), raw)
        return None
    return raw


def phone(roster: Roster, where: tuple[str, int], column: str, raw: str, region: str):
    """(E.164, raw) for a phone cell; an error if impossible, a warning if it cannot take texts."""
    if not raw:
        return None, None
    meant = spreadsheet_phone(roster, where, column, raw)
    if meant is None:
        return None, raw[:64]
    try:
        parsed = parse_phone(meant, region)
    except InvalidPhone:
        roster.error(*where, column, _l(
            "not a phone number: write a mobile number of 11 digits, e.g. 138 1234 5678"), raw)
        return None, raw
    if parsed.warning:
        roster.warn(*where, column, phone_warning_text(parsed.warning))
    return parsed.e164, meant[:64]


def key(value: str) -> str:
    """A cell that names a record (a class, a student number) as one spelling: full-width
    letters and digits (九年级１班, ０９０１００１) as ASCII, no zero-width character (pasted
    from a web page or a chat), no space beside a Chinese character (九年级 1班), other runs
    of spaces as one. The same class typed on another computer next term must be the same
    class, not a second one."""
    text = INVISIBLE.sub("", unicodedata.normalize("NFKC", value))
    return WHITESPACE.sub(" ", SPACE_BY_CJK.sub("", text)).strip()


def person(value: str) -> str:
    """A person's name as one spelling (key), with the dot between the parts of a name as
    the standard middle dot (·): next term's file typed elsewhere names the same person."""
    return NAME_DOT.sub("\u00b7", key(value))


def student_number(roster: Roster, where: tuple[str, int], column: str, value: str,
                   required: bool = True) -> str:
    """A student number as one spelling (key), refused in scientific notation; 2027001.0 (a
    float's rendering) is 2027001."""
    meant = spreadsheet_number(roster, where, column, value) if value else value
    if meant is None:
        return ""
    return text(roster, where, column, key(meant), 32, required)


def lost_zeros(roster: Roster, students) -> None:
    """A file whose numbers keep a leading zero (0901001) and a shorter one that the zero
    would make whole (901006, not listed as 0901006): a spreadsheet dropped its zeros."""
    numbers = {student.student_number for student in students}
    widths = {len(number) for number in numbers if number.isdigit() and number[0] == "0"}
    for student in students:
        number = student.student_number
        if not number.isdigit() or number[0] == "0":
            continue
        for width in sorted(widths):
            padded = number.zfill(width)
            if width > len(number) and padded not in numbers:
                roster.error(student.file, student.line, "student_number", _l(
                    "the other student numbers keep their leading zeros (%(width)d digits); "
                    "this one has lost them: a spreadsheet drops the leading zeros of a column "
                    "formatted as numbers; set the column's format to Text (文本) and write it "
                    "as %(padded)s", width=width, padded=padded), number)
                break


def language(roster: Roster, where: tuple[str, int], column: str, raw: str, default: str):
    """zh_Hans or en; blank means the school's language."""
    if not raw:
        return default
    code = LANGUAGES.get(raw.strip().lower())
    if code is None:
        roster.error(*where, column, _l(
            "unknown language: write zh_Hans or en (also 中文 or English), or leave it blank"),
            raw)
        return default
    return code


def text(roster: Roster, where: tuple[str, int], column: str, value: str, limit: int,
         required: bool = True) -> str:
    """A trimmed text cell: required ones must not be blank; none may exceed the column size."""
    if required and not value:
        roster.error(*where, column, _l("required, but blank"))
    elif len(value) > limit:
        roster.error(*where, column, _l("longer than %(limit)d characters", limit=limit))
    return value[:limit]


def number(roster: Roster, where: tuple[str, int], column: str, value: str,
           low: int, high: int) -> int | None:
    """An optional whole number within [low, high]."""
    if not value:
        return None
    if match := FLOAT_ZERO.match(value):  # 4.0: a float's rendering of 4
        value = match[1]
    try:
        result = int(value.lstrip("0") or "0")
    except ValueError:
        roster.error(*where, column, _l("not a whole number: write digits only, e.g. 4"), value)
        return None
    if not low <= result <= high:
        roster.error(*where, column, _l("must be between %(low)d and %(high)d",
                                        low=low, high=high))
        return None
    return result


def grade(roster: Roster, where: tuple[str, int], column: str, value: str) -> int | None:
    """A grade as 9, 9年级, 九年级, 初三 or 高一 (1 to 12); may be blank."""
    match = GRADE.match(value.replace(" ", ""))
    if match and match["number"]:
        written = match["number"]
        value = str(CHINESE_NUMBERS.get(written, written))
    elif match:
        value = str(STAGES[match["stage"]] + CHINESE_NUMBERS[match["year"]])
    return number(roster, where, column, value, 1, 12)


def seat(roster: Roster, where: tuple[str, int], column: str, value: str) -> int | None:
    """A seat as 4 or 4号 (1 to 999); may be blank."""
    return number(roster, where, column, value.removesuffix("号").strip(), 1, 999)
