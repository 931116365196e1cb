"""Managing the roster in the app: every change saved whole, audited, errors by the field."""

import io
import re
from datetime import date

import pytest

from rollcall.checks.models import Check, CheckEntry
from rollcall.extensions import db
from rollcall.models import AuditLog, Guardian, Homeroom, School, Student, User
from tests.factories import PASSWORD
from tests.roster_helpers import ONEROSTER, SIMPLE_CLEAN, problem_rows, snapshot, zipped


@pytest.fixture
def english(login_as):
    """Sign in as a role with the interface in English."""

    def sign_in(role):
        client = login_as(role)
        client.post("/language", data={"locale": "en"})
        return client

    return sign_in


def audit_rows(action):
    return db.session.scalars(db.select(AuditLog).where(AuditLog.action == action)).all()


def first_guardian(school):
    student = db.session.get(Student, school.student_ids["room1"][0])
    return student.guardian_links[0].guardian


def test_admin_adds_a_homeroom_with_its_teacher(app, school, english):
    client = english("admin")
    response = client.post("/admin/homerooms/new", data={
        "name": "九年级3班", "grade": "9", "graduating": "y", "active": "y",
        "teachers": [str(school.user_ids["teacher2"])]})
    assert response.status_code == 302
    with app.app_context():
        homeroom = db.session.scalar(db.select(Homeroom).where(Homeroom.name == "九年级3班"))
        assert [t.username for t in homeroom.teachers] == ["t.chen"]
        (entry,) = audit_rows("admin.homeroom.create")
        assert entry.after["teachers"] == [school.user_ids["teacher2"]]
        assert entry.actor_id == school.user_ids["admin"]


def test_a_taken_homeroom_name_is_shown_by_the_field_and_nothing_is_saved(app, school, english):
    client = english("admin")
    with app.app_context():
        before = snapshot()
    response = client.post(f"/admin/homerooms/{school.homeroom_ids['room2']}", data={
        "name": "九年级1班", "grade": "10", "active": "y"})
    assert response.status_code == 200
    assert 'id="name-error">Another homeroom has this name.' in response.get_data(as_text=True)
    with app.app_context():
        assert snapshot() == before


def test_moving_a_student_keeps_their_history_and_is_audited(app, school, english):
    student_id = school.student_ids["room1"][0]
    with app.app_context():
        check = Check(school_id=school.school_id, homeroom_id=school.homeroom_ids["room1"],
                      school_date=date(2026, 11, 27), kind="attendance")
        check.entries.append(CheckEntry(student_id=student_id, status="absent"))
        db.session.add(check)
        db.session.commit()
    client = english("admin")
    response = client.post(f"/admin/students/{student_id}", data={
        "student_number": "1班001", "name": "学生01", "seat": "9",
        "homeroom_id": str(school.homeroom_ids["room2"]), "active": "y"})
    assert response.status_code == 302
    with app.app_context():
        student = db.session.get(Student, student_id)
        assert (student.homeroom_id, student.seat) == (school.homeroom_ids["room2"], 9)
        entry = db.session.scalar(db.select(CheckEntry).where(CheckEntry.student_id == student_id))
        assert entry.check.homeroom_id == school.homeroom_ids["room1"]
        (audit,) = audit_rows("admin.student.update")
        assert audit.before["homeroom_id"] == school.homeroom_ids["room1"]
        assert audit.after["homeroom_id"] == school.homeroom_ids["room2"]


def test_deactivating_a_student_keeps_the_row(app, school, english):
    student_id = school.student_ids["room1"][1]
    with app.app_context():
        number = db.session.get(Student, student_id).student_number
    client = english("admin")
    client.post(f"/admin/students/{student_id}", data={
        "student_number": number, "name": "学生02", "homeroom_id": school.homeroom_ids["room1"]})
    with app.app_context():
        assert db.session.get(Student, student_id).active is False
    listing = client.get("/admin/students").get_data(as_text=True)
    assert f">{number}</td>" not in listing
    assert f">{number}</td>" in client.get("/admin/students?all=1").get_data(as_text=True)


def test_a_taken_student_number_is_refused(app, school, english):
    with app.app_context():
        other = db.session.get(Student, school.student_ids["room1"][1]).student_number
    response = english("admin").post("/admin/students/new", data={
        "student_number": other, "name": "新生", "homeroom_id": school.homeroom_ids["room1"],
        "active": "y"})
    assert "Another student has this number." in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["admin", "office"])
def test_guardian_phone_is_normalized_and_audited(app, school, english, role):
    with app.app_context():
        guardian_id = first_guardian(school).id
    url = (f"/admin/guardians/{guardian_id}" if role == "admin"
           else f"/contacts/guardians/{guardian_id}")
    data = {"phone": "０086 139-0000-1111", "name": "家长", "language": "en"}
    response = english(role).post(url, data=data)
    assert response.status_code == 302
    with app.app_context():
        guardian = db.session.get(Guardian, guardian_id)
        assert (guardian.phone_e164, guardian.phone_raw) == ("+8613900001111",
                                                             "０086 139-0000-1111")
        assert guardian.absence_texts is False  # the switch was not sent: off
        (entry,) = db.session.scalars(db.select(AuditLog).where(
            AuditLog.action.like("%guardian.update"))).all()
        assert entry.before["absence_texts"] is True
        assert entry.after == {"absence_texts": False, "phone_e164": "+8613900001111",
                               "phone_raw": "０086 139-0000-1111", **(
                                   {"language": "en", "name": "家长"} if role == "admin" else {})}


@pytest.mark.parametrize("role", ["admin", "office"])
def test_a_guardian_form_opens_with_the_phone_as_it_was_typed(app, school, english, role):
    with app.app_context():
        guardian = first_guardian(school)
        guardian.phone_raw, guardian.phone_e164 = "138-1234 5678", "+8613812345678"
        db.session.commit()
        guardian_id = guardian.id
    url = (f"/admin/guardians/{guardian_id}" if role == "admin"
           else f"/contacts/guardians/{guardian_id}")
    assert 'value="138-1234 5678"' in english(role).get(url).get_data(as_text=True)


def test_an_impossible_phone_is_shown_by_the_field_and_nothing_is_saved(app, school, english):
    client = english("office")
    with app.app_context():
        guardian_id = first_guardian(school).id
        before = snapshot()
    response = client.post(f"/contacts/guardians/{guardian_id}", data={
        "phone": "12", "absence_texts": "y"})
    assert 'id="phone-error">This is not a phone number.' in response.get_data(as_text=True)
    with app.app_context():
        assert snapshot() == before


def test_a_landline_is_saved_with_a_warning(app, school, english):
    with app.app_context():
        guardian_id = first_guardian(school).id
    client = english("office")
    response = client.post(f"/contacts/guardians/{guardian_id}", data={
        "phone": "010-62345678", "absence_texts": "y"}, follow_redirects=True)
    assert "cannot receive texts" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Guardian, guardian_id).phone_e164 == "+861062345678"


def test_admin_adds_a_guardian_last_and_can_reorder(app, school, english):
    student_id = school.student_ids["room1"][0]
    client = english("admin")
    response = client.post(f"/admin/students/{student_id}/guardians/new", data={
        "name": "祖母", "relationship_label": "祖母", "phone": "13700001111",
        "language": "zh_Hans", "absence_texts": "y"})
    assert response.status_code == 302
    with app.app_context():
        links = db.session.get(Student, student_id).guardian_links
        assert [(link.contact_order, link.guardian.name) for link in links][-1] == (2, "祖母")
        new_id = links[-1].guardian_id
    client.post(f"/admin/students/{student_id}/guardians/{new_id}/order",
                data={"contact_order": "1"})
    with app.app_context():
        links = db.session.get(Student, student_id).guardian_links
        assert {link.guardian.name: link.contact_order for link in links}["祖母"] == 1
        assert audit_rows("admin.guardian.contact_order")[0].after["contact_order"] == 1


def test_a_teacher_reads_their_class_contacts_without_edit_links(app, school, english):
    page = english("teacher").get(f"/homerooms/{school.homeroom_ids['room1']}/contacts")
    text = page.get_data(as_text=True)
    assert "学生01" in text and "家长1-1" in text
    assert "/contacts/guardians/" not in text
    office = english("office").get(f"/homerooms/{school.homeroom_ids['room1']}/contacts")
    assert "/contacts/guardians/" in office.get_data(as_text=True)


def test_admin_creates_an_account_that_can_sign_in(app, school, english):
    response = english("admin").post("/admin/users/new", data={
        "username": "t.new", "display_name": "新老师", "role": "teacher", "active": "y",
        "homerooms": [str(school.homeroom_ids["room2"])], "password": PASSWORD})
    assert response.status_code == 302
    fresh = app.test_client()
    assert fresh.post("/login", data={"username": "t.new", "password": PASSWORD}
                      ).status_code == 302
    with app.app_context():
        entry = audit_rows("admin.user.create")[0]
        assert "password" not in str(entry.after) and entry.after["role"] == "teacher"


def test_an_admin_cannot_lock_themselves_out(app, school, english):
    with app.app_context():
        before = snapshot()
    response = english("admin").post(f"/admin/users/{school.user_ids['admin']}", data={
        "username": "admin.li", "display_name": "李", "role": "office"})
    text = response.get_data(as_text=True)
    assert "You cannot deactivate your own account." in text
    assert "You cannot take away your own administrator role." in text
    with app.app_context():
        after = snapshot()
        for table in ("users", "user_sessions"):  # the sign-in itself touched nothing else
            after.pop(table)
            before.pop(table)
        assert after == before
        assert db.session.get(User, school.user_ids["admin"]).role == "admin"


def test_school_settings_are_saved_and_checked(app, school, english):
    client = english("admin")
    bad = client.post("/admin/school", data={
        "timezone": "Mars/Base", "locale": "zh_Hans", "bag_check_cutoff": "07:40",
        "attendance_cutoff": "08:00", "dismissal_cutoff": "17:00", "sms_window": "7-21"})
    text = bad.get_data(as_text=True)
    assert "Unknown time zone" in text and "Write it like 07:00-21:00." in text
    good = client.post("/admin/school", data={
        "timezone": "Asia/Urumqi", "locale": "zh_Hans", "bag_check_cutoff": "07:40",
        "attendance_cutoff": "08:00", "dismissal_cutoff": "17:00", "sms_window": "07:30-20:00",
        "alert_delay_minutes": "10", "phone": "010-62345678"})
    assert good.status_code == 302
    with app.app_context():
        saved = db.session.get(School, school.school_id)
        assert (saved.timezone, saved.sms_window, saved.alert_delay_minutes, saved.phone,
                saved.bag_check_cutoff.isoformat()) == (
            "Asia/Urumqi", "07:30-20:00", 10, "+861062345678", "07:40:00")
        assert audit_rows("admin.school.update")[0].before["bag_check_cutoff"] == "07:50:00"


def confirm_check(client, checked):
    """Press "Confirm" on a check page: post its token with its CSRF-free test form."""
    token = re.search(r'name="token" type="hidden" value="([^"]+)"',
                      checked.get_data(as_text=True))[1]
    return client.post("/admin/import/confirm", data={"token": token})


def upload(client, data: bytes, name: str, **form):
    return client.post("/admin/import", data={"file": (io.BytesIO(data), name), **form},
                       content_type="multipart/form-data")


def test_uploading_the_simple_csv_imports_it(app, school, english):
    client = english("admin")
    response = upload(client, SIMPLE_CLEAN.read_bytes(), "clean.csv")
    assert response.status_code == 200
    assert "3 students read from clean.csv." in response.get_data(as_text=True)
    response = confirm_check(client, response)
    assert response.status_code == 200
    assert "Imported." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(Student).where(Student.student_number == "2027101"))
        assert audit_rows("roster.import")[0].actor_id == school.user_ids["admin"]


def test_uploading_a_oneroster_zip_imports_it(app, school, english, tmp_path):
    data = zipped(ONEROSTER / "clean", tmp_path).read_bytes()
    response = upload(english("admin"), data, "oneroster.zip")
    text = response.get_data(as_text=True)
    assert "Checked: nothing is written until you confirm." in text


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"", "empty.csv", ["empty.csv", "1", "", "", "the file is empty"]),
    (b"x,y\n1,2\n", "wrong.csv", ["wrong.csv", "1", "Header row", "",
                                  "missing column(s): homeroom (班级), student_number (学号), "
                                  "student_name (姓名)"]),
    (SIMPLE_CLEAN.read_bytes().replace(b"138 1234 5678", b"12"), "phones.csv",
     ["phones.csv", "2", "Guardian's phone", "12",
      "not a phone number: write a mobile number of 11 digits, e.g. 138 1234 5678"]),
])
def test_a_bad_upload_lists_its_errors_and_changes_nothing(app, school, english, data, name,
                                                           message):
    client = english("admin")
    with app.app_context():
        before = snapshot()
    response = upload(client, data, name)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert message in problem_rows(text) and "nothing was imported" in text
    with app.app_context():
        assert snapshot() == before


def test_an_upload_over_the_limit_is_refused(make_app, school):
    small = make_app(ROSTER_MAX_FILE_BYTES=100 * 1024)  # uploads stay in memory in tests
    client = small.test_client()
    client.post("/login", data={"username": "admin.li", "password": PASSWORD})
    client.post("/language", data={"locale": "en"})
    response = upload(client, b"x" * (300 * 1024), "big.csv")
    assert response.status_code == 413  # refused before it is read
    assert "too large for this page. At most 0.2 MB." in \
        " ".join(response.get_data(as_text=True).split())


def test_the_format_page_documents_every_column_and_links_the_template(school, english):
    client = english("admin")
    text = client.get("/admin/import/format").get_data(as_text=True)
    for column in ("homeroom", "grade", "student_number", "student_name", "seat",
                   "guardian_name", "guardian_relationship", "guardian_phone",
                   "guardian_language"):
        assert f"<code>{column}</code>" in text
    template = client.get("/static/roster/simple-roster-template.csv")
    assert template.status_code == 200
    assert template.data.startswith(b"\xef\xbb\xbfhomeroom,grade,student_number")
    template.close()


def test_a_partial_upload_keeps_the_students_it_does_not_list(app, school, english):
    client = english("admin")
    response = confirm_check(client, upload(client, SIMPLE_CLEAN.read_bytes(), "clean.csv",
                                            partial="y"))
    assert "Imported." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Student, school.student_ids["room1"][0]).active is True
        assert db.session.scalar(db.select(Student).where(Student.student_number == "2027101"))


def test_admin_sets_a_teachers_reminder_phone_and_password_in_one_save(app, school, english):
    teacher = school.user_ids["teacher"]
    response = english("admin").post(f"/admin/users/{teacher}", data={
        "username": "t.wang", "display_name": "王老师", "role": "teacher", "active": "y",
        "homerooms": [str(school.homeroom_ids["room1"])], "phone": "139-1234-5678",
        "password": "another long one"})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, teacher)
        assert user.phone_e164 == "+8613912345678" and user.check_password("another long one")
        assert audit_rows("admin.user.update")[0].after["phone_e164"] == "+8613912345678"
    page = english("admin").get(f"/admin/users/{teacher}").get_data(as_text=True)
    assert 'value="+8613912345678"' in page


def test_a_teachers_phone_that_is_not_one_is_refused(app, school, english):
    teacher = school.user_ids["teacher"]
    response = english("admin").post(f"/admin/users/{teacher}", data={
        "username": "t.wang", "display_name": "王老师", "role": "teacher", "active": "y",
        "phone": "call me"})
    assert response.status_code == 200
    assert "This is not a phone number." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, teacher).phone_e164 is None


@pytest.mark.parametrize(("window", "saved"), [
    ("22:00-06:00", False), ("08:00-08:00", False), ("7-21", False),
    ("00:00-24:00", True), ("06:30-22:00", True),
])
def test_the_sending_window_is_checked_as_the_sender_reads_it(app, school, english, window,
                                                               saved):
    from rollcall.models import School

    response = english("admin").post("/admin/school", data={
        "phone": "", "timezone": "Asia/Shanghai", "locale": "zh_Hans",
        "bag_check_cutoff": "07:50", "attendance_cutoff": "08:10", "dismissal_cutoff": "17:30",
        "alert_delay_minutes": "", "sms_window": window})
    assert response.status_code == (302 if saved else 200)
    with app.app_context():
        stored = db.session.get(School, school.school_id).sms_window
        assert stored == (window if saved else None)


def test_a_guardian_is_taken_off_a_students_contacts_and_the_row_stays(app, school, english):
    pupil = school.student_ids["room1"][0]
    with app.app_context():
        guardian_id = db.session.get(Student, pupil).guardian_links[0].guardian_id
    client = english("admin")
    page = client.get(f"/admin/students/{pupil}").get_data(as_text=True)
    assert f"/admin/students/{pupil}/guardians/{guardian_id}/unlink" in page
    response = client.post(f"/admin/students/{pupil}/guardians/{guardian_id}/unlink")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Student, pupil).guardian_links == []
        assert db.session.get(Guardian, guardian_id) is not None
        entry = audit_rows("admin.guardian.unlink")[0]
        assert entry.before == {"student_id": pupil, "contact_order": 1}
    page = client.get(f"/admin/students/{pupil}").get_data(as_text=True)
    assert "nobody will get texts about this student" in page


def test_a_username_in_use_is_refused_without_saying_which_school_has_it(app, school, english):
    """Usernames are one list for the whole server: an admin is not told that another
    school's account has a name, and gets the same answer for their own school's."""
    with app.app_context():
        other = db.session.get(School, school.other_school_id)
        other_admin = User(school=other, username="admin.other", role="admin",
                           display_name="别校管理员")
        other_admin.set_password(PASSWORD)
        db.session.add(other_admin)
        db.session.commit()
        school.user_ids["other_admin"] = other_admin.id
    for admin in ("admin", "other_admin"):
        client = english(admin)
        for name in ("office.zhang", "OFFICE.OTHER"):  # one of each school
            response = client.post("/admin/users/new", data={
                "username": name, "display_name": "新老师", "role": "teacher", "active": "y",
                "password": PASSWORD})
            assert response.status_code == 200
            text = response.get_data(as_text=True)
            assert "taken" not in text
            [free] = re.findall(r"This username cannot be used\. You could use “([^”]+)”", text)
            assert re.fullmatch(re.escape(name) + r"\d{3}", free)
        response = client.post("/admin/users/new", data={
            "username": free, "display_name": "新老师", "role": "teacher", "active": "y",
            "password": PASSWORD})
        assert response.status_code == 302  # the name offered is free
