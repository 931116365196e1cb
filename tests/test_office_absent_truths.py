"""The board's and the attendance page's absences say what is true: the heading agrees with
the tiles, an excused absence (the family reported it) is not flagged "family not contacted",
and before attendance is taken nobody is said to be absent or not absent."""

from tests.checks_support import check_url, page, school_time

EN, ZH = {"Accept-Language": "en"}, {"Accept-Language": "zh"}


def _one_absent_one_excused(school, teacher):
    a, b = school.student_ids["room1"][:2]
    with school_time(8, 10):
        assert teacher.post(check_url(school, "attendance"), data={
            f"s{a}": "absent", f"s{b}": "excused", f"r{b}": "看病"}).status_code == 302


def _absent_section(text):
    return text.split('id="absent-title"')[1].split("</section>")[0]


def test_the_board_heading_agrees_with_its_tiles(login_as, school):
    office = login_as("office")
    _one_absent_one_excused(school, login_as("teacher"))
    with school_time(8, 15):
        en = page(office.get("/office/", headers=EN))
        zh = page(office.get("/office/", headers=ZH))
    assert "Absent today (1 absent, 1 excused)" in en
    assert "缺勤 1，请假 1" in zh


def test_an_excused_student_is_not_flagged_family_not_contacted(login_as, school):
    teacher, office = login_as("teacher"), login_as("office")
    _one_absent_one_excused(school, teacher)
    with school_time(8, 15):
        board = _absent_section(page(office.get("/office/", headers=EN)))
        attendance = page(teacher.get(check_url(school, "attendance"), headers=EN))
    excused_row = [row for row in board.split("<tr>") if "Excused" in row][0]
    absent_row = [row for row in board.split("<tr>") if ">Absent<" in row][0]
    assert "No need: the family reported it" in excused_row
    assert "No need" not in absent_row
    contacts = attendance.split('id="contacts"')[1]
    assert contacts.count("Family not yet contacted") == 1
    assert contacts.count("Reported by the family") == 1


def test_before_attendance_nobody_is_said_to_be_absent_or_not(login_as, school):
    teacher, office = login_as("teacher"), login_as("office")
    with school_time(7, 50):
        attendance = page(teacher.get(check_url(school, "attendance"), headers=EN))
        board = page(office.get("/office/", headers=EN))
        zh = page(teacher.get(check_url(school, "attendance"), headers=ZH))
    assert "Nobody is absent" not in attendance and "Nobody is absent" not in board
    assert "Attendance has not been taken yet." in attendance
    assert "No attendance has been taken yet today." in board
    assert "今天无人缺勤" not in zh and "还没有考勤" in zh
    _one_absent_one_excused(school, teacher)  # and once it is, the page says so again
    with school_time(8, 20):
        a, b = school.student_ids["room1"][:2]
        teacher.post(check_url(school, "attendance"), data={
            "version": "1", f"s{a}": "present", f"s{b}": "present"})
        assert "Nobody is absent." in page(teacher.get(check_url(school, "attendance"),
                                                       headers=EN))
