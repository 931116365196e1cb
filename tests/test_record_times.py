"""The time of a record is the time it happened, everywhere it is shown: a check saved from a
phone and sent later is in the audit trail, the check's changes, a case's timeline and the API
at the phone's time of the tap, with the time received beside it where they differ; a phone
time that cannot be right is said so and the time received is used; every time is on the
school's clock (Asia/Shanghai), also for a tap just before midnight UTC."""

import re
from datetime import UTC, date, timedelta

import pytest

from rollcall.cases.models import CaseEvent, MissingCase
from rollcall.checks.merging import fingerprint
from rollcall.checks.models import Check
from rollcall.custody.models import ConfiscatedItem, CustodyEvent
from rollcall.models import AuditLog
from tests.checks_support import DAY, at, check_url, page, school_time, table_rows
from tests.test_api import bearer, url  # noqa: F401  (bearer is a fixture)

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN"}


def ms(instant) -> str:
    return str(int(instant.timestamp() * 1000))


def visible(html: str) -> str:
    """What a reader sees: the page without its tags (a <time> element's datetime attribute
    is for machines, in UTC)."""
    return re.sub(r"<[^>]+>", "", html)


def save(client, school, kind, rows=None, tapped=None, loaded=None, version="", day=DAY,
         bases=None):
    data = {f"s{school.student_ids['room1'][seat]}": status
            for seat, status in (rows or {}).items()} | {"version": version}
    data |= {f"b{school.student_ids['room1'][seat]}": fingerprint({"status": status})
             for seat, status in (bases or {}).items()}
    if tapped is not None:
        data["tapped_at"] = ms(tapped)
    if loaded is not None:
        data["loaded_at"] = ms(loaded)
    response = client.post(check_url(school, kind, day), data=data, headers=EN)
    assert response.status_code == 302, page(response)


def test_the_audit_trail_and_the_changes_show_the_time_of_the_tap(app, login_as, school):
    with school_time(8, 30):  # tapped at 07:35 without signal, received at 08:30
        save(login_as("teacher"), school, "attendance", {0: "absent"}, tapped=at(7, 35))
        office = login_as("office")
        trail = page(office.get(f"/office/audit?date_from={DAY}&date_to={DAY}", headers=EN))
        trail_zh = page(office.get(f"/office/audit?date_from={DAY}&date_to={DAY}", headers=ZH))
        changes = page(office.get(check_url(school, "attendance"), headers=EN))
    [row] = [r for r in table_rows(app, AuditLog) if r["action"] == "check.submit"]
    assert row["created_at"] == at(7, 35) and row["received_at"] == at(8, 30)
    assert f"{DAY} 07:35" in trail and f"{DAY} 08:30" not in trail
    assert "recorded on the phone at 07:35, received at 08:30" in trail
    assert "在手机上记录于 07:35，08:30 收到" in trail_zh
    assert "03-02 07:35</time> (received at 08:30)" in changes


def test_a_sweep_sent_late_opens_its_case_at_the_time_of_the_tap(app, login_as, school):
    with school_time(17, 50):  # "not found" tapped at 17:35, received at 17:50
        save(login_as("teacher"), school, "dismissal", {1: "not_found"}, tapped=at(17, 35))
        [case] = table_rows(app, MissingCase)
        text = page(login_as("office").get(f"/cases/{case['id']}", headers=EN))
    assert case["opened_at"] == at(17, 35)
    [opened] = table_rows(app, CaseEvent)
    assert opened["at"] == at(17, 35) and opened["received_at"] == at(17, 50)
    assert "03-02 17:35" in text
    assert "recorded on the phone at 17:35, received at 17:50" in text
    # The save's own audit rows (insert_rows) and the case's (record) carry the same two times.
    trail = table_rows(app, AuditLog)
    [audited] = [r for r in trail if r["action"] == "case.open"]
    assert (audited["created_at"], audited["received_at"]) == (at(17, 35), at(17, 50))
    assert {(r["created_at"], r["received_at"]) for r in trail
            if r["action"].startswith("check.")} == {(at(17, 35), at(17, 50))}


def test_the_api_gives_the_record_time_and_both_times_of_the_save(app, client, login_as,
                                                                   school, bearer):  # noqa: F811
    with school_time(8, 30):
        save(login_as("teacher"), school, "attendance", {0: "absent"}, tapped=at(7, 35))
        body = client.get(url(school, f"/checks/{DAY}"), headers=bearer("teacher")).get_json()
    [check] = [c for c in body["checks"] if c["kind"] == "attendance"] if "checks" in body \
        else [body["attendance"]]
    assert check["submitted_at"] == at(7, 35).astimezone(UTC).isoformat()
    assert check["recorded_on_phone_at"] == at(7, 35).astimezone(UTC).isoformat()
    assert check["received_at"] == at(8, 30).astimezone(UTC).isoformat()


def test_an_item_taken_at_a_bag_check_sent_later_was_taken_at_the_tap(app, login_as, school):
    student = school.student_ids["room1"][1]
    with school_time(8, 0):  # found at 07:20 without signal, received at 08:00
        response = login_as("teacher").post(check_url(school, "bag"), headers=EN, data={
            f"s{student}": "found", f"c{student}": "fire", f"d{student}": "打火机",
            f"a{student}": "kept_by_teacher", "version": "", "tapped_at": ms(at(7, 20))})
    assert response.status_code == 302, page(response)
    [item] = table_rows(app, ConfiscatedItem)
    [event] = table_rows(app, CustodyEvent)
    assert item["taken_at"] == event["at"] == at(7, 20)
    assert event["recorded_at"] == at(8, 0)


@pytest.mark.parametrize("tapped", [at(9, 40), at(7, 35) - timedelta(days=1)])
def test_a_phone_time_that_cannot_be_right_is_said_and_not_used(app, login_as, school, tapped):
    teacher = login_as("teacher")
    with school_time(8, 30):
        save(teacher, school, "attendance", {0: "absent"}, tapped=tapped)
        text = page(teacher.get(check_url(school, "attendance"), headers=EN))
    [check] = table_rows(app, Check)
    assert check["submitted_at"] == at(8, 30) and check["recorded_on_phone_at"] == tapped
    assert "Submitted at 08:30" in text
    assert "the phone's clock said" in text and "recorded when received" in text


def test_a_tap_is_not_before_the_page_it_was_tapped_on_was_loaded(app, login_as, school):
    teacher = login_as("teacher")
    with school_time(8, 30):  # a page loaded at 08:00 cannot have been tapped at 07:40
        save(teacher, school, "attendance", {0: "absent"}, tapped=at(7, 40), loaded=at(8, 0))
    assert table_rows(app, Check)[0]["submitted_at"] == at(8, 30)


def test_a_tap_after_its_page_was_loaded_counts_though_the_check_was_saved_since(
        app, login_as, school):
    """The page says when it was loaded: a tap on it stands even when someone else saved the
    check between the page's loading and the tap reaching the server (rows merge)."""
    teacher, office = login_as("teacher"), login_as("office")
    with school_time(7, 30):
        save(teacher, school, "attendance", {0: "absent"})
    with school_time(7, 50):
        save(office, school, "attendance", {0: "absent", 2: "absent"}, version="1")
    with school_time(8, 30):  # loaded at 07:40, tapped at 07:45 offline, sent at 08:30
        save(teacher, school, "attendance", {0: "absent", 1: "absent"}, tapped=at(7, 45),
             loaded=at(7, 40), version="1", bases={0: "absent", 1: "present"})
    check = table_rows(app, Check)[0]
    assert check["updated_at"] == at(7, 45) and check["received_at"] == at(8, 30)


NEAR_MIDNIGHT_UTC = at(7, 50)  # 23:50 UTC on 03-01 is 07:50 on 03-02 in Shanghai


def test_every_time_is_on_the_schools_clock_near_midnight_utc(app, login_as, school):
    assert NEAR_MIDNIGHT_UTC.utctimetuple()[:5] == (2027, 3, 1, 23, 50)
    teacher, office = login_as("teacher"), login_as("office")
    with school_time(7, 50):
        save(teacher, school, "attendance", {0: "absent"})
        save(teacher, school, "attendance", {0: "late"}, version="1")
        shown = {
            "audit trail": page(office.get(f"/office/audit?date_from={DAY}&date_to={DAY}",
                                           headers=EN)),
            "changes": page(office.get(check_url(school, "attendance"), headers=EN)),
            "log": page(office.get(f"/office/log?date_from={DAY}&date_to={DAY}&view=all",
                                   headers=EN)),
            "log.csv": page(office.get(f"/office/log.csv?date_from={DAY}&date_to={DAY}"
                                       "&view=all", headers=EN)),
        }
    for where, text in shown.items():
        text = visible(text)
        assert "07:50" in text, where
        assert "23:50" not in text, where
    assert "2027-03-02 07:50" in shown["log.csv"]
    assert "2027-03-02 07:50" in visible(shown["audit trail"])
    for where in ("audit trail", "log.csv"):
        assert date(2027, 3, 1).isoformat() not in visible(shown[where]), where


def test_the_log_csv_gives_the_time_received_beside_the_time_of_the_tap(app, login_as, school):
    teacher, office = login_as("teacher"), login_as("office")
    with school_time(8, 30):  # tapped at 07:35 without signal, received at 08:30
        save(teacher, school, "attendance", {0: "absent"}, tapped=at(7, 35))
    student = school.student_ids["room1"][1]
    with school_time(8, 40):  # an item found, saved at once: its time is the one time
        response = teacher.post(check_url(school, "bag"), headers=EN, data={
            f"s{student}": "found", f"c{student}": "fire", f"d{student}": "打火机",
            f"a{student}": "kept_by_teacher", "version": ""})
        assert response.status_code == 302, page(response)
        csv_text = page(office.get(f"/office/log.csv?date_from={DAY}&date_to={DAY}&view=all",
                                   headers=EN))
    header, *rows = [line.split(",") for line in csv_text.lstrip("\ufeff").splitlines()]
    recorded, received = header.index("Recorded at"), header.index("Received at")
    assert received == recorded + 1
    [attendance] = [row for row in rows if row[header.index("Check")] == "Attendance"]
    [bag] = [row for row in rows if row[header.index("Check")] == "Bag check"]
    assert (attendance[recorded], attendance[received]) == (f"{DAY} 07:35", f"{DAY} 08:30")
    assert (bag[recorded], bag[received]) == (f"{DAY} 08:40", "")
