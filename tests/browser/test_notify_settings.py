"""The template editor counts SMS segments live as the admin types, and saves with CSRF on."""

from tests.factories import PASSWORD

TEXT = {
    "zh": {"two": "2 条短信 · UCS-2 · 77 个字符", "one_gsm": "1 条短信 · GSM-7 · 24 个字符",
           "saved": "短信设置已保存"},
    "en": {"two": "2 segments · UCS-2 · 77 characters",
           "one_gsm": "1 segment · GSM-7 · 24 characters", "saved": "Text settings saved"},
}


def test_the_segment_count_follows_the_template_as_it_is_typed(live_server, phone, lang,
                                                               school, sign_in):
    sign_in(phone, live_server.url, "admin.li", PASSWORD)
    phone.goto(f"{live_server.url}/admin/text-settings")
    count = phone.locator("#preview-absence_zh .segment-count")
    assert "UCS-2" in count.inner_text()
    phone.fill("#absence_zh", "{student}今天没来" + "。" * 70)
    assert count.inner_text() == TEXT[lang]["two"]
    assert phone.locator("#preview-absence_zh .preview-text").inner_text().startswith(
        "张小明今天没来")
    phone.fill("#absence_en", "{student} is absent")
    assert phone.locator("#preview-absence_en .segment-count").inner_text() == (
        TEXT[lang]["one_gsm"])
    with phone.expect_navigation():
        phone.locator("button.primary").tap()
    assert TEXT[lang]["saved"] in phone.locator(".flash").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


ALIYUN_TEXT = {
    "zh": {"needs_code": "阿里云只发送审核通过的模板：请填写这类短信的模板代码。",
           "saved": "短信设置已保存"},
    "en": {"needs_code": "Aliyun sends only approved templates: enter this text's template code.",
           "saved": "Text settings saved"},
}


def test_an_admin_chooses_aliyun_with_a_code_for_each_text_on_a_phone(live_server, phone, lang,
                                                                      school, sign_in):
    sign_in(phone, live_server.url, "admin.li", PASSWORD)
    phone.goto(f"{live_server.url}/admin/text-settings")
    phone.select_option("#provider", "aliyun")
    phone.fill("#code_absence", "SMS_100")
    with phone.expect_navigation():
        phone.locator("button.primary").tap()
    assert phone.locator(".error").count() == 4  # every kind of text needs its code
    assert ALIYUN_TEXT[lang]["needs_code"] in phone.locator("form.text-settings").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.fill("#code_follow_up", "SMS_200")
    phone.fill("#code_teacher_reminder", "SMS_300")
    phone.fill("#code_missing_student", "SMS_400")
    phone.fill("#code_screening_reminder", "SMS_500")
    with phone.expect_navigation():
        phone.locator("button.primary").tap()
    assert ALIYUN_TEXT[lang]["saved"] in phone.locator(".flash").inner_text()
    assert phone.locator("#code-preview-teacher_reminder code").inner_text() == "SMS_300"
    assert '"class": "九年级1班"' in phone.locator("#code-preview-absence pre").inner_text()
    assert phone.locator("#code-preview-missing_student code").inner_text() == "SMS_400"
    assert '"trigger": ' in phone.locator("#code-preview-missing_student pre").inner_text()
