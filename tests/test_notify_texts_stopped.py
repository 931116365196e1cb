"""Templates are rendered with sample data in every language before they are saved, and the
office sees a red warning whenever the school's parent texts are not going out."""

from datetime import timedelta

import pytest

from rollcall import clock
from rollcall.extensions import db
from rollcall.models import School
from rollcall.notify.models import OutboxText
from tests import factories, notify_support
from tests.notify_support import MONDAY, at, outbox, run_pass

standin = notify_support.standin  # fixtures
twilio_app = notify_support.twilio_app

HOSTILE_TEMPLATES = ["{student:d}没来", "{student:>20000000}", "{student!r} absent",
                     "{student.__class__}", "{student[0]}", "{0}没来", "{}没来",
                     "{school}" * 200]


def settings_row(app, school):
    with app.app_context():
        main = db.session.get(School, school.school_id)
        return main.settings, main.sms_window, main.alert_delay_minutes


@pytest.mark.parametrize("template", HOSTILE_TEMPLATES)
@pytest.mark.parametrize("field", ["absence_zh", "follow_up_en"])
def test_a_template_that_cannot_render_is_refused_and_nothing_saved(app, login_as, school,
                                                                    field, template):
    before = settings_row(app, school)
    response = login_as("admin").post("/admin/text-settings",
                                      data={"fan_out": "first", field: template},
                                      headers={"Accept-Language": "en"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'class="error"' in page
    assert len(page) < 200_000  # the preview never renders a padded monster
    assert settings_row(app, school) == before


def test_a_format_placeholder_gets_a_clear_message(login_as):
    page = login_as("admin").post("/admin/text-settings", data={
        "fan_out": "first", "absence_en": "{student:d} is absent"},
        headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "with nothing after the name" in page


def store_template(app, school, template):
    """A template saved before templates were checked (straight into the settings)."""
    with app.app_context():
        main = db.session.get(School, school.school_id)
        main.settings = {"texts": {"fan_out": "first", "follow_up": True,
                                   "templates": {"absence": {"zh_Hans": template}}}}
        db.session.commit()


def test_a_stored_format_placeholder_no_longer_stops_the_schools_texts(twilio_app, school,
                                                                       standin):
    store_template(twilio_app, school, "{student:d}今天没来")
    with twilio_app.app_context():
        factories.attendance_check(school.homeroom_ids["room1"], MONDAY,
                                   {school.student_ids["room1"][0]: "absent"}, at(8, 0))
    run_pass(twilio_app, at(8, 20))
    [text] = outbox(twilio_app)
    assert text["status"] == "submitted"
    # A +86 number: the carriers' rules put the signature first.
    assert [m["body"] for m in standin.messages] == ["【测试中学】学生01今天没来"]


def office_pages(app, school):
    """The office board and the texts page, as served by app."""
    client = app.test_client()
    client.post("/login", data={"username": school.usernames["office"],
                                "password": factories.PASSWORD})
    return (client.get("/office/").get_data(as_text=True),
            client.get("/office/texts", headers={"Accept-Language": "en"}).get_data(
                as_text=True))


def test_all_well_shows_no_warning(twilio_app, school):
    with clock.frozen(at(9, 0)):
        for page in office_pages(twilio_app, school):
            assert "texts-stopped" not in page


def test_unusable_settings_show_a_red_warning_on_the_board_and_the_texts_page(
        twilio_app, school):
    store_template(twilio_app, school, "{student:>20000000}")
    with clock.frozen(at(9, 0)):
        board, texts = office_pages(twilio_app, school)
    for page in (board, texts):
        assert 'class="flash flash-error texts-stopped" role="alert"' in page
    assert "text settings cannot be used" in texts


def test_a_broken_window_shows_the_warning_too(twilio_app, school):
    with twilio_app.app_context():
        db.session.get(School, school.school_id).sms_window = "25:00-26:00"
        db.session.commit()
    with clock.frozen(at(9, 0)):
        board, texts = office_pages(twilio_app, school)
    assert "texts-stopped" in board and "text settings cannot be used" in texts


def test_without_an_sms_provider_the_office_is_told_to_call(app, school):
    board, texts = office_pages(app, school)
    assert "texts-stopped" in board
    assert "No SMS provider is configured" in texts


def test_texts_waiting_unsent_in_the_window_show_the_warning(twilio_app, school):
    with twilio_app.app_context():
        db.session.add(OutboxText(school_id=school.school_id, school_date=MONDAY,
                                  kind="absence", to_e164="+8613800000000", body="x",
                                  next_attempt_at=at(8, 0), created_at=at(8, 0)))
        db.session.commit()
    with clock.frozen(at(8, 5)):
        assert "texts-stopped" not in office_pages(twilio_app, school)[0]
    with clock.frozen(at(8, 0) + timedelta(minutes=11)):
        board, texts = office_pages(twilio_app, school)
    assert "texts-stopped" in board and "without being sent" in texts
