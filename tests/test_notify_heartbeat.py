"""The scheduler's heartbeat: /healthz, the office board, Today and the texts page turn red when
no scheduler has ticked within the limit; each text says what it waits for; a failing provider
and a case whose on-duty texts did not go are shown with what to do instead."""

import functools
import signal
from datetime import timedelta

import pytest

from rollcall import clock
from rollcall.extensions import db
from rollcall.models import School
from rollcall.notify import heartbeat, staff_texts
from rollcall.notify.models import OutboxText, SchedulerHeartbeat, TextStatus
from tests import factories, notify_support
from tests.checks_support import DAY, at, page, school_time
from tests.notify_support import SchedulerProcess, wait_until
from tests.test_cases import DUTY, open_case

standin = notify_support.standin  # fixtures
twilio_app = notify_support.twilio_app
EN = {"Accept-Language": "en"}


def beat(app, instant, state=heartbeat.RUNNING):
    with app.app_context(), clock.frozen(instant):
        heartbeat.beat(state)
        db.session.remove()


def health(app):
    response = app.test_client().get("/healthz")
    return response.status_code, response.get_json()


def test_healthz_names_the_running_schedulers_last_tick(app):
    beat(app, at(7, 12))
    with school_time(7, 14):
        status, body = health(app)
    assert status == 200
    assert body == {"status": "ok", "database": "ok", "scheduler": "ok",
                    "last_tick": "2027-03-01T23:12:00+00:00"}


def test_healthz_answers_503_once_no_scheduler_ticked_within_the_limit(app):
    beat(app, at(7, 12))
    with school_time(7, 15):  # exactly the limit (3 minutes): still ok
        assert health(app)[0] == 200
    with school_time(7, 16):
        assert health(app) == (503, {"status": "error", "database": "ok", "scheduler": "stale",
                                     "last_tick": "2027-03-01T23:12:00+00:00"})


def test_a_waiting_standby_is_alive_but_does_not_count_as_a_running_scheduler(app):
    beat(app, at(7, 12))
    with app.app_context():  # another process, waiting for the lock
        db.session.add(SchedulerHeartbeat(host="standby", pid=1, state=heartbeat.WAITING,
                                          started_at=at(7, 0), last_tick_at=at(7, 30)))
        db.session.commit()
    with school_time(7, 31):
        assert health(app) == (503, {"status": "error", "database": "ok", "scheduler": "stale",
                                     "last_tick": "2027-03-01T23:12:00+00:00"})
    with app.app_context():
        rows = db.session.execute(db.select(SchedulerHeartbeat.state, SchedulerHeartbeat.host)
                                  .order_by(SchedulerHeartbeat.id)).all()
    assert [state for state, _host in rows] == ["running", "waiting"] and rows[0].host


def test_a_new_scheduler_forgets_the_processes_gone_for_a_month(app):
    with app.app_context():
        for pid, last in ((1, at(7, 0, DAY - timedelta(days=31))),
                          (2, at(7, 0, DAY - timedelta(days=29)))):
            db.session.add(SchedulerHeartbeat(host="old", pid=pid, state=heartbeat.RUNNING,
                                              started_at=last, last_tick_at=last))
        db.session.commit()
    beat(app, at(7, 0))
    with app.app_context():
        assert db.session.scalars(db.select(SchedulerHeartbeat.pid).where(
            SchedulerHeartbeat.host == "old")).all() == [2]


def test_an_install_where_no_scheduler_ever_ran_is_stale_once_the_limit_has_passed(make_app):
    assert health(make_app())[0] == 200  # just started: the scheduler may still be coming
    assert health(make_app(SCHEDULER_STALE_AFTER_SECONDS=0)) == (503, {
        "status": "error", "database": "ok", "scheduler": "stale", "last_tick": None})


def absent_today(app, school):
    with app.app_context():
        factories.attendance_check(school.homeroom_ids["room1"], DAY,
                                   {school.student_ids["room1"][0]: "absent"}, at(7, 50))


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
def test_the_board_and_today_show_the_red_banner_in_the_schools_time(app, login_as, school,
                                                                     locale):
    absent_today(app, school)
    beat(app, at(7, 12))
    office, teacher = login_as("office"), login_as("teacher")
    for client in (office, teacher):
        client.post("/language", data={"locale": locale})
    stopped, due_at = {"en": ("Not sent: the scheduler is not running", "Due at 08:05"),
                       "zh_Hans": ("未发送：调度程序没有运行", "将于 08:05 发送")}[locale]
    with school_time(7, 14):
        board = page(office.get("/office/board.fragment"))
        assert "scheduler-stopped" not in board and due_at in board
    with school_time(7, 40):
        board = page(office.get("/office/board.fragment"))
        today = page(teacher.get("/today", follow_redirects=True))
    since = {"en": "the scheduler has not run since 07:12",
             "zh_Hans": "调度程序自 07:12 起没有运行"}[locale]
    for text in (board, today):
        assert 'class="flash flash-error texts-stopped" role="alert"' in text and since in text
    assert stopped in board and due_at not in board


def queue_text(app, school, status=TextStatus.QUEUED, attempts=0, kind="absence", **fields):
    with app.app_context():
        fields = {"next_attempt_at": at(7, 0), "created_at": at(7, 0),
                  "status_at": at(7, 0) if attempts else None, **fields}
        text = OutboxText(school_id=school.school_id, school_date=DAY, kind=kind,
                          to_e164="+8613800000000", body="x", status=status,
                          attempts=attempts, **fields)
        db.session.add(text)
        db.session.commit()
        return text.id


def text_waits(client) -> str:
    return page(client.get("/office/texts", headers=EN))


@pytest.mark.parametrize(("status", "attempts", "instant", "ticked", "expected"), [
    ("queued", 0, at(8, 0), at(7, 59), "Waiting for the next send pass"),
    ("queued", 0, at(6, 30), at(6, 29), "Waiting for the sending window to open"),
    ("queued", 2, at(8, 0), at(7, 59), "Waiting for the SMS provider"),
    ("sending", 1, at(8, 0), at(7, 59), "Waiting for the SMS provider"),
    ("queued", 0, at(8, 0), at(7, 40), "Waiting for the scheduler, which is not running"),
    ("failed", 8, at(8, 0), at(7, 59), "Failed: it will not be sent"),
])
def test_the_texts_page_says_what_each_text_waits_for(app, login_as, school, status,
                                                      attempts, instant, ticked, expected):
    queue_text(app, school, status, attempts)
    beat(app, ticked)
    with clock.frozen(instant):
        text = text_waits(login_as("office"))
    assert 'class="text-wait wait-' in text and expected in text


def test_a_text_that_went_out_waits_for_nothing(app, login_as, school):
    queue_text(app, school, TextStatus.SENT, 1)
    beat(app, at(7, 59))
    with school_time(8, 0):
        assert "text-wait" not in text_waits(login_as("office"))


def office_client(app, school):
    """The office clerk signed in on app (with an SMS provider, unlike `login_as`'s app)."""
    client = app.test_client()
    client.post("/login", data={"username": school.usernames["office"],
                                "password": factories.PASSWORD})
    return client


def test_a_run_of_provider_failures_puts_the_banner_on_the_board(twilio_app, school):
    beat(twilio_app, at(8, 0))
    queue_text(twilio_app, school, TextStatus.SENT, 1)
    office = office_client(twilio_app, school)
    with school_time(8, 1):
        assert "texts-stopped" not in page(office.get("/office/", headers=EN))
    queue_text(twilio_app, school, TextStatus.FAILED, 2)  # given up (after a lookup)
    queue_text(twilio_app, school, TextStatus.QUEUED, 1)  # the latest: a retry is due
    with school_time(8, 1):
        board = page(office.get("/office/", headers=EN))
    assert "texts-stopped" in board and "The SMS provider keeps failing" in board
    assert "scheduler-stopped" not in board


def test_one_failed_attempt_is_not_yet_a_failing_provider(twilio_app, school):
    beat(twilio_app, at(8, 0))
    queue_text(twilio_app, school, TextStatus.QUEUED, 1, next_attempt_at=at(8, 1))
    with school_time(8, 1):
        assert "texts-stopped" not in page(office_client(twilio_app, school).get("/office/"))


def test_a_case_whose_duty_texts_were_not_sent_says_whom_to_call(app, login_as, school):
    case = open_case(app, login_as, school)  # no SMS provider: the texts are only recorded
    beat(app, at(9, 0))
    with app.app_context():
        for text in db.session.scalars(db.select(OutboxText)):
            text.status = TextStatus.NOT_SENT
        db.session.get(School, school.school_id).phone = "010-6512 3456"
        db.session.commit()
    with school_time(9, 0):
        text = page(login_as("teacher").get(f'/cases/{case["id"]}', headers=EN))
    assert "duty-texts-unsent" in text and "call it yourself" in text
    assert f'href="tel:{DUTY[0]}"' in text and f'href="tel:{DUTY[1]}"' in text
    assert "010-6512 3456" in text


def test_a_case_whose_duty_texts_wait_for_the_next_pass_raises_no_alarm(app, login_as, school):
    case = open_case(app, login_as, school)
    beat(app, at(8, 59))
    with school_time(9, 0):
        text = page(login_as("office").get(f'/cases/{case["id"]}', headers=EN))
    assert "duty-texts-unsent" not in text and "Waiting for the next send pass" in text


# --- A real scheduler process, stopped and started again ------------------------------------

def health_is(app, status: int) -> dict | None:
    """/healthz's body when it answers status (a running scheduler's: with its last tick)."""
    answer, body = health(app)
    return body if answer == status and (status != 200 or body["last_tick"]) else None


def last_send_pass(app):
    with app.app_context():
        last = db.session.scalar(db.select(db.func.max(SchedulerHeartbeat.last_send_pass_at)))
        db.session.remove()
    return last or at(0, 0, DAY.replace(year=2000))


def test_a_stopped_scheduler_turns_healthz_and_the_board_red_and_a_restart_green(
        make_app, database_uri, standin, school, tmp_path):
    """A planned stop (SIGTERM, as systemctl stop sends) is no exception; nothing goes twice."""
    config = notify_support.twilio_config(standin.base_url)
    app = make_app(SCHEDULER_STALE_AFTER_SECONDS=3, **config)
    with app.app_context():  # a text that goes at any hour: the office's, about a missing student
        main = db.session.get(School, school.school_id)
        staff_texts.queue_text(main, clock.school_today(main), "missing_student", DUTY[0],
                               "zh_Hans", "学生01失联", {})
        db.session.commit()
    settings = {name: value for name, value in config.items() if name != "PUBLIC_BASE_URL"}
    start = functools.partial(SchedulerProcess, database_uri, tmp_path / "scheduler.lock",
                              SCHEDULER_HEARTBEAT_SECONDS=0.5, **settings)
    office = office_client(app, school)
    scheduler = start()
    try:
        scheduler.wait_for("scheduler running")
        body = wait_until(lambda: health_is(app, 200))
        assert body["scheduler"] == "ok" and body["last_tick"]
        wait_until(lambda: [m for m in standin.messages if m["to"] == DUTY[0]])
        assert "scheduler-stopped" not in page(office.get("/office/", headers=EN))

        scheduler.kill(signal.SIGTERM)
        body = wait_until(lambda: health_is(app, 503), limit=15)
        assert body["scheduler"] == "stale" and body["last_tick"]
        board = page(office.get("/office/", headers=EN))
        assert "the scheduler has not run since" in board

        restarted = clock.now()
        scheduler = start()
        wait_until(lambda: health_is(app, 200))
        assert "scheduler-stopped" not in page(office.get("/office/", headers=EN))
        wait_until(lambda: last_send_pass(app) > restarted)  # its first pass runs at once
    finally:
        scheduler.kill()
    assert [m["to"] for m in standin.messages].count(DUTY[0]) == 1
    with app.app_context():
        assert db.session.scalars(db.select(OutboxText.status)).all() == ["submitted"]
