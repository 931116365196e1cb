"""The office watches the demo school's morning: the board and the weekly work log on a desktop,
the board on a phone, and the board refreshing itself without a reload."""

from datetime import UTC, date, datetime

import pytest

from rollcall import clock
from rollcall.demo.school import DEMO_PASSWORD, build_demo_school
from rollcall.extensions import db
from rollcall.models import Homeroom, Student, User
from rollcall.notify.models import OutboxStudent, OutboxText
from tests import factories
from tests.browser.conftest import too_wide

# Thursday 26 November 2026, 08:20 in Shanghai: bag check and attendance are past their cut-off.
MORNING = datetime(2026, 11, 26, 0, 20, tzinfo=UTC)
TODAY = date(2026, 11, 26)


@pytest.fixture
def demo(live_server):
    """The demo school with its two weeks of history; today class 1's bag check is done and
    class 2's attendance has one student absent and one excused."""
    with clock.frozen(MORNING), live_server.app.app_context():
        school = build_demo_school()
        db.session.commit()
        rooms = {h.name: h.id for h in db.session.scalars(db.select(Homeroom))}
        teacher = db.session.scalar(db.select(User).where(User.username == "teacher1"))
        factories.record_check(rooms["九年级1班"], TODAY, "bag",
                               submitted_at=datetime(2026, 11, 25, 23, 41, tzinfo=UTC),
                               teacher_id=teacher.id)
        room2 = db.session.get(Homeroom, rooms["九年级2班"])
        absent, excused = room2.students[2].id, room2.students[5].id
        factories.record_check(room2.id, TODAY, "attendance",
                               {absent: "absent", excused: "excused"},
                               submitted_at=datetime(2026, 11, 26, 0, 2, tzinfo=UTC),
                               teacher_id=room2.teachers[0].id,
                               details={excused: {"reason": "发烧，家长请假"}})
        _failed_text(school.id, db.session.get(Student, absent))
        return {"rooms": rooms, "school_id": school.id}


def _failed_text(school_id, student):
    """Twilio refused the absence text to this student's parent (21211: invalid number)."""
    phone = student.guardian_links[0].guardian.phone_e164
    text = OutboxText(school_id=school_id, school_date=TODAY, kind="absence", to_e164=phone,
                      body="…", status="failed", error_code=21211,
                      created_at=datetime(2026, 11, 26, 0, 17, tzinfo=UTC))
    text.students.append(OutboxStudent(student_id=student.id, school_date=TODAY,
                                       kind="absence", to_e164=phone))
    db.session.add(text)
    db.session.commit()


def _sign_in(page, base_url, username="office1"):
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("form.card button[type=submit]").click()


def test_board_and_weekly_log_on_a_desktop(live_server, desktop, demo, tmp_path):
    with clock.frozen(MORNING):
        _sign_in(desktop, live_server.url)
        assert desktop.url == f"{live_server.url}/office/"
        overdue = desktop.locator("td.cell-overdue").first
        assert overdue.is_visible()
        assert "超时未完成" in overdue.inner_text()
        colour = overdue.evaluate("cell => getComputedStyle(cell).backgroundColor")
        assert colour == "rgb(253, 231, 228)"  # the red of --bad-bg
        assert desktop.locator("td.cell-overdue").count() == 4  # 3 classes × 2 checks, less two
        done = desktop.locator("td.cell-done").first
        assert "07:41" in done.inner_text() and "王丽华" in done.inner_text()
        absent = desktop.locator("table.absent-list tbody tr")
        assert absent.count() == 2 and "发烧，家长请假" in absent.nth(1).inner_text()
        failed = absent.nth(0).locator("td.text-failed")
        assert failed.is_visible() and "发送失败：请致电家长" in failed.inner_text()
        desktop.screenshot(path=str(tmp_path / "office-board.png"), full_page=True)

        room = demo["rooms"]["九年级2班"]
        desktop.goto(f"{live_server.url}/homerooms/{room}/week/2026-W47")
        assert "班主任工作手册" in desktop.locator("h1").inner_text()
        assert desktop.locator("section.log-day").count() == 5
        assert "打火机一个" in desktop.locator("main").inner_text()  # the demo's finding
        desktop.screenshot(path=str(tmp_path / "office-week.png"), full_page=True)
    assert (tmp_path / "office-board.png").stat().st_size > 10_000
    assert (tmp_path / "office-week.png").stat().st_size > 10_000


def test_the_board_refreshes_itself_without_a_reload(live_server, desktop, demo):
    live_server.app.config["OFFICE_BOARD_REFRESH_SECONDS"] = 1
    with clock.frozen(MORNING):
        _sign_in(desktop, live_server.url)
        desktop.evaluate("window.stillThisPage = true")
        assert desktop.locator("td.cell-done").count() == 2
        with live_server.app.app_context():
            factories.record_check(demo["rooms"]["九年级3班"], TODAY, "attendance",
                                   submitted_at=datetime(2026, 11, 26, 0, 5, tzinfo=UTC))
        desktop.locator("td.cell-done").nth(2).wait_for(timeout=5_000)
        assert desktop.evaluate("window.stillThisPage") is True


@pytest.mark.both_languages
def test_the_board_fits_a_phone(live_server, phone, lang, demo):
    with clock.frozen(MORNING):
        _sign_in(phone, live_server.url)
        assert phone.locator("td.cell-overdue").first.is_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.both_languages
def test_the_office_review_pages_fit_a_phone(live_server, phone, lang, demo):
    """The board, log, charts, audit trail, a student's page and a weekly log: usable on a
    phone without the page scrolling sideways (wide tables scroll inside themselves)."""
    with live_server.app.app_context():
        student_id = db.session.scalar(db.select(Student.id).order_by(Student.id))
    room = demo["rooms"]["九年级1班"]
    paths = ("/office/", "/office/log", "/office/charts", "/office/audit",
             f"/students/{student_id}", f"/homerooms/{room}/week/2026-W48")
    with clock.frozen(MORNING):
        _sign_in(phone, live_server.url)
        assert too_wide(phone, live_server.url, paths) == {}
