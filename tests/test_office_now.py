"""'Now' means now: where the office board and the log's CSV say where a confiscated item is
now, they read the custody trail's current state, not what the bag check said at the time."""

import csv
import io

from tests.checks_support import DAY, page, school_time
from tests.test_custody import bag_finding, guardian_of, item, move  # noqa: F401 (fixture)


def _returned(app, login_as, school, item, office):  # noqa: F811
    with school_time(9, 0):
        assert move(login_as("teacher"), item, to="with_office", at=f"{DAY}T08:50",
                    received_by_id=school.user_ids["office"]).status_code == 302
        assert move(office, item, to="returned", at=f"{DAY}T08:59",
                    guardian_id=guardian_of(app, item["student_id"])).status_code == 302


def test_the_board_says_where_the_item_is_now(app, login_as, school, item):  # noqa: F811
    office = login_as("office")
    with school_time(8, 0):
        before = page(office.get("/office/", headers={"Accept-Language": "en"}))
    _returned(app, login_as, school, item, office)
    with school_time(9, 5):
        zh = page(office.get("/office/", headers={"Accept-Language": "zh"}))
        en = page(office.get("/office/", headers={"Accept-Language": "en"}))
    assert "Now: Kept by the teacher" in before
    assert "Now: Returned to a guardian" in en and "kept by the teacher" not in en.lower()
    assert "现在： 已归还监护人" in zh


def test_the_csv_says_where_the_item_is_now(app, login_as, school, item):  # noqa: F811
    office = login_as("office")
    _returned(app, login_as, school, item, office)
    with school_time(9, 5):
        response = office.get("/office/log.csv?kind=bag",
                                          headers={"Accept-Language": "en"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    column = rows[0].index("Where it is now / what was done")
    [found] = [row for row in rows[1:] if row[column]]
    assert found[column] == "Returned to a guardian"


def test_an_item_never_taken_still_says_what_was_done(app, login_as, school):
    with school_time(7, 40):
        bag_finding(login_as("teacher"), school, action="returned_to_parent")
        text = page(login_as("office").get("/office/", headers={"Accept-Language": "en"}))
    assert "Now: Returned to a parent" in text
