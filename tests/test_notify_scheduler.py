"""The scheduler process and the one-pass command."""

from datetime import time

from rollcall import clock
from rollcall.extensions import db
from rollcall.jobs.scheduler import build_scheduler
from rollcall.models import Homeroom, School, User
from rollcall.notify.models import OutboxText, SchedulerHeartbeat, TeacherReminder
from tests import factories
from tests.notify_support import MONDAY, SchedulerProcess, at, wait_until


def test_send_alerts_runs_one_pass(app, runner, school):
    with app.app_context():
        factories.attendance_check(school.homeroom_ids["room1"], MONDAY,
                                   {school.student_ids["room1"][0]: "absent"}, at(8, 0))
    with clock.frozen(at(8, 20)):
        result = runner.invoke(args=["send-alerts"])
    assert result.exit_code == 0, result.output
    assert "queued 1, sent 0, retrying 0, failed 0, not sent 1" in result.output
    with app.app_context():
        assert db.session.scalars(db.select(OutboxText.status)).all() == ["not_sent"]


def test_one_minute_job_in_utc_runs_at_once(app, school):
    with clock.frozen(at(7, 0)):
        scheduler = build_scheduler(app)
    job = scheduler.get_job("send-pass")
    assert str(job.trigger.timezone) == "UTC"
    assert job.trigger.interval.total_seconds() == 60
    assert job.coalesce and job.misfire_grace_time >= 600 and job.next_run_time is not None


def minute_job(app):
    """The scheduler's minute job, run by hand (it reads the frozen clock)."""
    return build_scheduler(app).get_job("send-pass").func


def reminded(app) -> list[int]:
    with app.app_context():
        rows = db.session.scalars(db.select(TeacherReminder.homeroom_id)
                                  .order_by(TeacherReminder.homeroom_id)).all()
        db.session.remove()
        return list(rows)


def test_the_minute_job_reminds_at_each_schools_own_cut_off(app, school):
    run = minute_job(app)
    with clock.frozen(at(8, 9)):
        run()
    assert reminded(app) == []
    with clock.frozen(at(8, 10)):
        run()
        run()
    assert reminded(app) == [school.homeroom_ids["room1"], school.homeroom_ids["room2"],
                             school.homeroom_ids["other"]]


def test_a_school_created_or_changed_after_the_start_needs_no_restart(app, school):
    run = minute_job(app)
    with app.app_context():
        db.session.get(School, school.school_id).attendance_cutoff = time(9, 0)
        late = factories.school("新学校")
        late.timezone = "Asia/Tokyo"
        db.session.add(Homeroom(school=late, name="一年级1班", grade=7))
        db.session.commit()
        new_room = db.session.scalar(db.select(Homeroom.id).where(Homeroom.school_id == late.id))
    with clock.frozen(at(7, 10)):  # 08:10 in Tokyo: the new school's cut-off
        run()
    assert reminded(app) == [new_room]
    with clock.frozen(at(8, 10)):
        run()
    assert school.homeroom_ids["room1"] not in reminded(app)
    with clock.frozen(at(9, 0)):
        run()
    assert school.homeroom_ids["room1"] in reminded(app)


def test_send_alerts_sends_the_teacher_reminders_too(app, runner, school):
    with app.app_context():
        db.session.get(User, school.user_ids["teacher"]).phone_e164 = "+8613911112222"
        db.session.commit()
    with clock.frozen(at(8, 10)):
        result = runner.invoke(args=["send-alerts"])
    assert result.exit_code == 0, result.output
    assert "classes reminded 3" in result.output
    with app.app_context():
        assert db.session.execute(db.select(OutboxText.kind, OutboxText.to_e164)).all() == [
            ("teacher_reminder", "+8613911112222")]


def heartbeat_states(app) -> list[str]:
    with app.app_context():
        states = db.session.scalars(db.select(SchedulerHeartbeat.state)
                                    .order_by(SchedulerHeartbeat.started_at)).all()
        db.session.remove()
    return list(states)


def test_a_second_scheduler_waits_and_takes_over_when_the_first_dies(app, database_uri,
                                                                    tmp_path):
    first = SchedulerProcess(database_uri, tmp_path / "scheduler.lock")
    second = None
    try:
        first.wait_for("scheduler lock acquired")
        second = SchedulerProcess(database_uri, tmp_path / "scheduler.lock")
        second.wait_for("waiting to take over")
        # The standby writes its heartbeat too, marked as waiting for the lock.
        wait_until(lambda: heartbeat_states(app) == ["running", "waiting"], limit=30)
        assert first.wait_for("scheduler running")
        assert second.lines.empty() or "acquired" not in second.lines.get_nowait()
        first.kill()
        assert second.wait_for("scheduler lock acquired")
        assert second.wait_for("scheduler running")
    finally:
        first.kill()
        if second is not None:
            second.kill()


def test_a_scheduler_started_after_the_cut_off_catches_up_the_reminders(app, school):
    with clock.frozen(at(11, 0)):  # beyond the grace: too late to remind
        minute_job(app)()
    assert reminded(app) == []
    with clock.frozen(at(8, 40)):  # its first pass runs at once and catches up
        minute_job(app)()
    assert school.homeroom_ids["room1"] in reminded(app)
