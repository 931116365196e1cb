"""Smaller truths: the product's Chinese name, one id per field on the case page."""

import re

from babel.messages.pofile import read_po

from tests.checks_support import page, school_time
from tests.test_cases import open_case

CATALOG = "rollcall/translations/zh_Hans/LC_MESSAGES/messages.po"


def test_the_chinese_pages_name_the_product_in_chinese(login_as):
    with open(CATALOG, encoding="utf-8") as handle:
        said = [message.string for message in read_po(handle) if message.id]
    assert not [text for text in said if "Rollcall" in str(text)]
    with school_time(9, 0):
        text = page(login_as("office").get("/office/audit", headers={"Accept-Language": "zh"}))
    assert "平安点名中的每一次修改" in text


def test_the_case_page_has_one_id_per_field(app, login_as, school):
    case = open_case(app, login_as, school)
    with school_time(9, 0):
        text = page(login_as("office").get(f'/cases/{case["id"]}'))
    ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
