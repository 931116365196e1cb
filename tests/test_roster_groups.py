"""Roll-call groups chosen from any OneRoster set: on the web after the check (by title, course,
period or one by one, with who is in no group or in two shown first), on the command line
(`--homerooms classes=FILE`), and saved for the next import of the same source."""

import html
import io
import re
import shutil

from rollcall.extensions import db
from rollcall.models import Homeroom, School, Student
from rollcall.roster.models import RosterGroupChoice
from tests.roster_helpers import ONEROSTER, problem_rows, snapshot, zipped

SDS = ONEROSTER / "public_sds_v2"
OAT = ONEROSTER / "public_oat_v1p1"


def teachers_of_active_classes(school_id=None):
    return {h.name: sorted(t.username for t in h.teachers) for h in db.session.scalars(
        db.select(Homeroom).where(Homeroom.active).filter_by(
            **({"school_id": school_id} if school_id else {})))}


def placement(school_id=None):
    return {s.student_number: s.homeroom.name for s in db.session.scalars(
        db.select(Student).where(Student.active).filter_by(
            **({"school_id": school_id} if school_id else {})))}


def saved_choices():
    return {(c.source_id, c.choice) for c in db.session.scalars(db.select(RosterGroupChoice))}


def school_data():
    """Every table but the admin's kept checks: what a refused file must leave as it was."""
    return {name: rows for name, rows in snapshot().items() if name != "roster_checks"}


def rename_school(school, name):
    db.session.get(School, school.school_id).name = name
    db.session.commit()


def upload(admin, folder, tmp_path, **form):
    data = zipped(folder, tmp_path).read_bytes()
    return admin.post("/admin/import", data={"file": (io.BytesIO(data), "set.zip"), **form},
                      content_type="multipart/form-data")


def groups_link(page: str) -> str:
    return re.search(r'href="(/admin/import/[^/"]+/groups)"', page).group(1)


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def confirm(admin, page: str):
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)
    return admin.post("/admin/import/confirm", data={"token": token})


def test_a_school_data_sync_set_goes_in_by_its_groups_then_next_night_from_the_cli(
        app, school, login_as, runner, tmp_path):
    with app.app_context():
        rename_school(school, "Fabrikam High School")
    admin = login_as("admin")
    admin.post("/language", data={"locale": "en"})
    with app.app_context():
        before = school_data()
    refused = upload(admin, SDS, tmp_path)
    page = text(refused)
    assert refused.status_code == 422
    assert ["classes.csv", "", "classType", "",
            "none of the 4 classes is a homeroom (classType=homeroom): 4 without classType, and "
            "classes.csv gives no periods; choose the roll-call groups by title, by course or "
            "class by class (“Choose the roll-call groups”); its classes are titled: "
            "Bioscience Innovation 102, Intro to Agriculture 101, Math - Algebra 1, "
            "Math - Algebra 2"] in problem_rows(refused.get_data(as_text=True))
    assert "--homerooms" not in page
    with app.app_context():
        assert school_data() == before

    link = groups_link(refused.get_data(as_text=True))
    chooser = text(admin.get(link))
    assert ('<td data-label="Title">Math - Algebra 2</td><td data-label="Course"></td>'
            '<td data-label="Period"></td><td data-label="Teachers">Daisy Todd、Shawna Roy</td>'
            '<td data-label="Students">8</td>') in chooser
    assert "Math - Algebra 1" not in chooser  # Contoso's class: another school of the set
    assert 'name="period"' not in chooser and 'name="course"' not in chooser
    assert "In no group: not imported (8)" in chooser

    preview = text(admin.post(link, data={"way": "title", "title": "math*", "preview": "y"}))
    assert "Chosen: the classes whose title matches math* (1 of 1 classes)" in preview
    assert "Every one of the set's 8 students is in exactly one group." in preview
    with app.app_context():
        assert school_data() == before

    checked = admin.post(link, data={"way": "title", "title": "math*", "use": "y"})
    page = text(checked)
    assert checked.status_code == 200
    assert "Roll-call groups: the classes whose title matches math*." in page
    assert "8 students read from set.zip." in page
    assert confirm(admin, checked.get_data(as_text=True)).status_code == 200
    with app.app_context():
        assert teachers_of_active_classes(school.school_id) == {
            "Math - Algebra 2": ["Dtodd@classrmtest31.org", "SRoy@classrmtest31.org"]}
        placed = placement(school.school_id)
        assert set(placed.values()) == {"Math - Algebra 2"} and len(placed) == 8
        assert saved_choices() == {("10002", "title=math*")}

    # The next night's file: the aide no longer helps with the class.
    tonight = tmp_path / "tonight"
    shutil.copytree(SDS, tonight)
    enrolments = (tonight / "enrollments.csv").read_bytes()
    (tonight / "enrollments.csv").write_bytes(enrolments.replace(b"11002,14010,Aide\r\n", b"")
                                              .replace(b"11002,14010,Aide\n", b""))
    night = runner.invoke(args=["import-roster", str(tonight), "--school",
                                "Fabrikam High School"])
    assert night.exit_code == 0, night.output
    assert ("roll-call groups: the classes whose title matches math*, as saved for this set's "
            "school (10002) by its last import; --homerooms chooses others") in night.output
    assert "Math - Algebra 2: teachers removed Shawna Roy (SRoy@classrmtest31.org)" \
        in night.output
    assert "8 students read from tonight; saved." in night.output
    with app.app_context():
        assert teachers_of_active_classes(school.school_id) == {
            "Math - Algebra 2": ["Dtodd@classrmtest31.org"]}
        assert len(placement(school.school_id)) == 8


def test_classes_chosen_one_by_one_show_a_student_in_two_before_anything_is_written(
        app, school, login_as, runner, tmp_path):
    with app.app_context():
        rename_school(school, "School 1")
    admin = login_as("admin")
    admin.post("/language", data={"locale": "en"})
    with app.app_context():
        before = school_data()
    link = groups_link(upload(admin, OAT, tmp_path).get_data(as_text=True))
    both = text(admin.post(link, data={"way": "classes", "classes": ["class1", "class2"],
                                       "preview": "y"}))
    assert "Chosen: 2 class(es) chosen one by one (2 of 2 classes)" in both
    assert "In two groups or more: the file cannot be imported so (1)" in both
    assert "<li>ionut padurariu (user identifier): Class 1 title、Class 2 title</li>" in both
    refused = admin.post(link, data={"way": "classes", "classes": ["class1", "class2"],
                                     "use": "y"})
    assert refused.status_code == 422
    assert "ionut padurariu (user identifier) is in two roll-call classes" in text(refused)
    with app.app_context():
        assert school_data() == before

    link = groups_link(refused.get_data(as_text=True))  # the set is kept for another choice
    nothing = text(admin.post(link, data={"way": "classes", "use": "y"}))
    assert "Tick at least one class." in nothing
    checked = admin.post(link, data={"classes": ["class1"], "use": "y"})  # ticks: one by one
    assert checked.status_code == 200
    assert confirm(admin, checked.get_data(as_text=True)).status_code == 200
    with app.app_context():
        assert placement(school.school_id) == {"user identifier": "Class 1 title"}
        assert teachers_of_active_classes(school.school_id) == {"Class 1 title": []}
        assert saved_choices() == {("12345", "classes=class1")}

    night = runner.invoke(args=["import-roster", str(OAT), "--school", "School 1"])
    assert night.exit_code == 0, night.output
    assert "roll-call groups: 1 class(es) chosen one by one, as saved" in night.output
    with app.app_context():
        assert placement(school.school_id) == {"user identifier": "Class 1 title"}


def test_the_groups_page_offers_the_periods_and_courses_a_set_has(app, school, login_as,
                                                                   tmp_path):
    admin = login_as("admin")
    admin.post("/language", data={"locale": "en"})
    link = groups_link(upload(admin, ONEROSTER / "scheduled_only", tmp_path)
                       .get_data(as_text=True))
    page = text(admin.get(link))
    assert ('<select id="period" name="period"><option value="1">1</option>'
            '<option value="2">2</option><option value="3">3</option></select>') in page
    assert ('<option value="crs-1">crs-1</option><option value="crs-2">crs-2</option>'
            in page)
    by_course = text(admin.post(link, data={"way": "course", "course": "crs-2",
                                            "preview": "y"}))
    assert "<li>张三 (2027001): 九年级1班 数学、九年级2班 数学</li>" in by_course
    by_period = text(admin.post(link, data={"way": "period", "period": "1", "preview": "y"}))
    assert "Every one of the set's 3 students is in exactly one group." in by_period


def test_the_groups_page_is_csrf_protected(make_app, app, school, tmp_path):
    protected = make_app(WTF_CSRF_ENABLED=True)
    client = protected.test_client()
    token = re.search(r'name="csrf_token"[^>]*?value="([^"]*)"',
                      client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"username": school.usernames["admin"],
                                "password": "correct horse battery", "csrf_token": token})
    page = client.get("/admin/import").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*?value="([^"]*)"', page).group(1)
    data = zipped(ONEROSTER / "scheduled_only", tmp_path).read_bytes()
    refused = client.post("/admin/import", data={"file": (io.BytesIO(data), "set.zip"),
                                                 "csrf_token": token},
                          content_type="multipart/form-data")
    link = groups_link(refused.get_data(as_text=True))
    assert client.get(link).status_code == 200
    assert client.post(link, data={"way": "period", "period": "1", "use": "y"}).status_code \
        == 400


def test_classes_listed_in_a_file_are_the_groups_and_are_used_the_next_time(app, runner,
                                                                            tmp_path):
    listing = tmp_path / "roll-call.txt"
    listing.write_text("# 班会\nc-91-p1\n\nc-92-p1\nc-93-p1\n", encoding="utf-8")
    path = ONEROSTER / "scheduled_only"
    dry = runner.invoke(args=["import-roster", str(path), "--homerooms", f"classes={listing}",
                              "--school", "阳光中学", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    with app.app_context():
        assert saved_choices() == set()  # only an import that is applied saves its choice
    first = runner.invoke(args=["import-roster", str(path), "--homerooms",
                                f"classes={listing}"])
    assert first.exit_code == 0, first.output
    assert ("warning: classes.csv:0: sourcedId: 1 of the classes chosen are not in "
            "classes.csv: c-93-p1") in first.output
    with app.app_context():
        assert placement() == {"2027001": "九年级1班 语文", "2027002": "九年级1班 语文",
                               "2027003": "九年级2班 语文"}
        assert teachers_of_active_classes() == {"九年级1班 语文": ["t.wu", "t.zhou"],
                                                "九年级2班 语文": ["t.wu"]}
        assert saved_choices() == {("org-1", "classes=c-91-p1\nc-92-p1\nc-93-p1")}
    again = runner.invoke(args=["import-roster", str(path)])
    assert again.exit_code == 0, again.output
    assert "roll-call groups: 3 class(es) chosen one by one, as saved" in again.output
    assert "added: nothing" in again.output


def test_a_class_file_that_lists_nothing_is_refused(runner, tmp_path):
    listing = tmp_path / "empty.txt"
    listing.write_text("\n# none yet\n", encoding="utf-8")
    result = runner.invoke(args=["import-roster", str(ONEROSTER / "scheduled_only"),
                                 "--homerooms", f"classes={listing}"])
    assert result.exit_code == 2
    assert "lists no class sourcedId" in result.output


def test_students_in_no_chosen_group_are_named_in_one_warning(app, runner):
    result = runner.invoke(args=["import-roster", str(ONEROSTER / "scheduled_only"),
                                 "--homerooms", "title=九年级2班*", "--dry-run"])
    assert result.exit_code == 1  # 张三 is in both of 九年级2班's classes
    alone = runner.invoke(args=["import-roster", str(ONEROSTER / "scheduled_only"),
                                "--homerooms", "title=*1班 语文", "--dry-run"])
    assert alone.exit_code == 0, alone.output
    assert ("warning: enrollments.csv:0: classSourcedId: 1 student(s) are in none of the "
            "roll-call groups, so they are not imported: 王五 (2027003)") in alone.output


def test_a_school_data_sync_2_1_set_goes_in_by_course_then_next_night_from_the_cli(
        app, school, login_as, runner, tmp_path):
    admin = login_as("admin")
    admin.post("/language", data={"locale": "en"})
    link = groups_link(upload(admin, ONEROSTER / "public_sds_v21", tmp_path)
                       .get_data(as_text=True))
    chooser = text(admin.get(link))
    assert ('<select id="course" name="course"><option value="B102021">B102021</option>'
            '<option value="C12001">C12001</option></select>') in chooser
    preview = text(admin.post(link, data={"way": "course", "course": "B102021",
                                          "preview": "y"}))
    assert "In no group: not imported (1)" in preview
    assert "<p>Simon Miller (smiller@classrmtest31.org)</p>" in preview
    checked = admin.post(link, data={"way": "course", "course": "B102021", "use": "y"})
    assert checked.status_code == 200
    assert "3 students read from set.zip." in text(checked)
    assert confirm(admin, checked.get_data(as_text=True)).status_code == 200
    with app.app_context():
        assert teachers_of_active_classes(school.school_id) == {
            "Biology 10": ["kfein@classrmtest31.org"]}
        assert saved_choices() == {("110003", "course=B102021")}
        name = db.session.get(School, school.school_id).name
    again = upload(admin, ONEROSTER / "public_sds_v21", tmp_path / "again")
    assert again.status_code == 200
    assert ("Roll-call groups: the classes of the course B102021 (as chosen for this set's "
            "school at its last import).") in text(again)

    night = runner.invoke(args=["import-roster", str(ONEROSTER / "public_sds_v21"),
                                "--school", name])
    assert night.exit_code == 0, night.output
    assert "roll-call groups: the classes of the course B102021, as saved" in night.output
    assert ("warning: enrollments.csv:0: classSourcedId: 1 student(s) are in none of the "
            "roll-call groups, so they are not imported: Simon Miller "
            "(smiller@classrmtest31.org)") in night.output
    with app.app_context():
        assert teachers_of_active_classes(school.school_id) == {
            "Biology 10": ["kfein@classrmtest31.org"]}
        assert sorted(placement(school.school_id)) == [
            "asmithee@classrmtest31.org", "fhutch@classrmtest31.org", "jcraig@classrmtest31.org"]


def test_a_choice_the_set_cannot_make_is_answered_on_the_page(app, school, login_as, tmp_path):
    with app.app_context():
        rename_school(school, "Fabrikam High School")
    admin = login_as("admin")
    admin.post("/language", data={"locale": "en"})
    link = groups_link(upload(admin, SDS, tmp_path).get_data(as_text=True))
    for data in ({"way": "period", "period": "1"}, {"way": "homeroom"},
                 {"way": "title", "title": "  "}, {"way": "classes", "classes": ["11001"]},
                 {"way": "sideways"}):
        response = admin.post(link, data={**data, "use": "y"})
        assert response.status_code == 200, data
        assert 'class="error"' in response.get_data(as_text=True), data
    assert admin.get(link).status_code == 200  # the set is still kept
    with app.app_context():
        assert saved_choices() == set()


def test_the_groups_page_and_the_import_agree_on_who_is_in_no_group(app, school, login_as,
                                                                     tmp_path):
    """One rule for the set's school and its students: a class of another school of the
    set, and a student marked tobedeleted, are in neither list."""
    district = tmp_path / "district"
    shutil.copytree(ONEROSTER / "scheduled_only", district)

    def append(name, line):
        with open(district / name, "a", encoding="utf-8") as csv:
            csv.write(line + "\n")
    append("orgs.csv", "org-2,,,明德中学,school,MD,")
    append("classes.csv", "c-x,active,,初一1班,07,crs-9,X1,scheduled,101,org-2,term-1,,,1")
    append("users.csv", "s-9,,,true,org-2,student,s.zhao,,六,赵,,2027009,,,,,07,,")
    append("users.csv", "s-4,tobedeleted,,true,org-1,student,s.sun,,七,孙,,2027004,,,,,09,,")
    append("enrollments.csv", "e-20,,,c-x,org-2,s-9,student,false,,")
    append("enrollments.csv", "e-21,,,c-91-p2,org-1,s-4,student,false,,")
    with app.app_context():
        rename_school(school, "阳光中学")
    admin = login_as("admin")
    admin.post("/language", data={"locale": "en"})
    link = groups_link(upload(admin, district, tmp_path).get_data(as_text=True))
    choice = {"way": "title", "title": "*1班 语文"}

    preview = text(admin.post(link, data={**choice, "preview": "y"}))
    assert "初一1班" not in preview  # 明德中学's class
    on_page = re.search(r"In no group: not imported \(\d+\)</h3><p>([^<]*)</p>",
                        preview).group(1).split("、")
    checked = text(admin.post(link, data={**choice, "use": "y"}))
    warned = re.search(r"in none of the roll-call groups, so they are not imported: ([^<]*)",
                       checked).group(1).split(", ")
    assert on_page == warned == ["王五 (2027003)"]
