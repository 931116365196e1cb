"""A teacher signs in on a phone, in Chinese or in English."""

import pytest

from tests.factories import PASSWORD

TEXT = {
    "zh": {"sign_in": "登录", "wrong": "用户名或密码错误", "html_lang": "zh-Hans"},
    "en": {"sign_in": "Sign in", "wrong": "Wrong username or password", "html_lang": "en"},
}


def test_teacher_signs_in_on_a_phone(live_server, phone, lang, school, sign_in):
    text = TEXT[lang]
    phone.goto(f"{live_server.url}/login")
    assert phone.locator("html").get_attribute("lang") == text["html_lang"]
    assert phone.locator("h1").inner_text() == text["sign_in"]
    button = phone.locator("form.card button[type=submit]").bounding_box()
    assert button["height"] >= 44 and button["width"] <= 390
    sign_in(phone, live_server.url, "t.wang", PASSWORD)
    assert phone.url.endswith("/today")  # the start page: Today of the teacher's homeroom
    assert "九年级1班" in phone.locator("main").inner_text()
    assert "九年级2班" not in phone.locator("main").inner_text()
    # No horizontal scrolling on a phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_wrong_password_shows_an_error_and_stays_signed_out(live_server, phone, lang, school,
                                                           sign_in):
    sign_in(phone, live_server.url, "t.wang", "not the password")
    assert TEXT[lang]["wrong"] in phone.locator(".flash-error").inner_text()
    phone.goto(f"{live_server.url}/")
    assert "/login" in phone.url


@pytest.mark.both_languages
def test_language_switch_changes_the_interface(live_server, phone, lang, school):
    phone.goto(f"{live_server.url}/login")
    with phone.expect_navigation():
        phone.locator(".lang-switch button").tap()
    other = "en" if lang == "zh" else "zh"
    assert phone.locator("h1").inner_text() == TEXT[other]["sign_in"]
    assert phone.url.endswith("/login?") or phone.url.endswith("/login")
