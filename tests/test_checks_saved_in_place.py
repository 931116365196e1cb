"""A save sent from the phone (checks.js) is shown where it is: the answer carries the new
version, each row's new base and the page's parts that depend on what is saved, the same
markup as a fresh load of the page draws, so the phone does not load the page again."""

import re
from html.parser import HTMLParser

from rollcall.checks.models import Check
from rollcall.extensions import db
from tests.checks_support import check_url, school_time
from tests.test_checks_offline import JSON, loaded_form

EN = {"Accept-Language": "en"}
PARTS = ("flashes", "saved", "notices", "contacts-first", "contacts-last",
         "changes")


class _Parts(HTMLParser):
    """The check page's swappable parts (the divs with the ids of PARTS), each as the list of
    its tags, attributes and texts, whitespace aside. A form's CSRF token is left out: it is
    signed afresh for every page drawn."""

    def __init__(self, html: str):
        super().__init__()
        self.parts, self._open, self._depth = {}, None, 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._open is None:
            if tag == "div" and attrs.get("id") in PARTS:
                self._open, self._depth = attrs["id"], 1
                self.parts[self._open] = []
            return
        if tag == "div":
            self._depth += 1
        attrs.pop("value", None) if attrs.get("name") == "csrf_token" else None
        self.parts[self._open].append((tag, sorted(attrs.items())))

    def handle_endtag(self, tag):
        if self._open is None:
            return
        if tag == "div":
            self._depth -= 1
            if self._depth == 0:
                self._open = None
                return
        self.parts[self._open].append(("/" + tag,))

    def handle_data(self, data):
        if self._open is not None and data.split():
            self.parts[self._open].append(" ".join(data.split()))


def _text(parts: list) -> str:
    return " ".join(item for item in parts if isinstance(item, str))


def _bases(page: str) -> dict:
    return dict(re.findall(r'name="(b\d+)" type="hidden" value="([^"]+)"', page)
                or re.findall(r'name="(b\d+)" value="([^"]+)"', page))


def _version(page: str) -> str:
    return (re.search(r'name="version" type="hidden" value="(\d*)"', page)
            or re.search(r'name="version" value="(\d*)"', page)).group(1)


def _sids(data: dict) -> list[int]:
    return sorted(int(key[1:]) for key in data if key.startswith("s"))


def _save_then_reload(client, url: str, data: dict):
    """Save as checks.js does, then load the page as a reload would: (the answer, its parts,
    the page, the page's parts). The answer must be a save shown in place, not a move on."""
    answer = client.post(url, data=data, headers=JSON | EN)
    fresh = client.get(url, headers=EN).get_data(as_text=True)
    assert answer.status_code == 200 and "next" not in answer.json
    return answer, _Parts(answer.json["html"]).parts, fresh, _Parts(fresh).parts


def test_an_attendance_save_with_absent_students_answers_with_the_saved_page(app, login_as,
                                                                             school):
    client = login_as("teacher")
    url = check_url(school, "attendance")
    with school_time(7, 40):
        data = loaded_form(client, url)
        sids = _sids(data)
        answer, saved, fresh, page = _save_then_reload(
            client, url, data | {f"s{sids[0]}": "absent", f"s{sids[1]}": "absent"})
    assert _text(saved["flashes"]) == "Attendance saved."
    # The absent students' families are listed first, as on the page after a reload.
    assert "Family contacts" in _text(saved["contacts-first"])
    assert _text(saved["contacts-first"]).count("Family not yet contacted") == 2
    assert saved["contacts-last"] == []
    assert "Submitted at 07:40 by 王老师" in _text(saved["saved"])
    # What the answer draws is what a fresh load of the page draws; the flash was shown once.
    assert {name: saved[name] for name in PARTS[1:]} == {name: page[name] for name in PARTS[1:]}
    assert page["flashes"] == []
    assert answer.json["version"] == 1 and _version(fresh) == "1"
    assert answer.json["bases"] == _bases(fresh)
    assert len(answer.json["bases"]) == len(sids)


def test_a_bag_save_answers_with_its_history_saved_by_line_and_next_check(app, login_as,
                                                                          school):
    client = login_as("teacher")
    attendance, bag = check_url(school, "attendance"), check_url(school, "bag")
    with school_time(7, 35):
        client.post(attendance, data=loaded_form(client, attendance))
    with school_time(7, 40):
        data = loaded_form(client, bag)
        sid = _sids(data)[0]
        answer, saved, fresh, page = _save_then_reload(
            client, bag, data | {f"s{sid}": "found", f"c{sid}": "prohibited",
                                 f"d{sid}": "扑克牌", f"a{sid}": "kept_by_teacher"})
    assert _text(saved["flashes"]) == "Bag check saved."
    assert "Submitted at 07:40 by 王老师" in _text(saved["saved"])
    assert "Next: Dismissal" in _text(saved["saved"])
    assert _text(saved["changes"]).startswith("Changes")
    assert "submitted" in _text(saved["changes"])
    assert "contacts-first" not in saved and "contacts-last" not in saved
    assert {name: saved[name] for name in PARTS[1:] if name in page} == \
        {name: page[name] for name in PARTS[1:] if name in page}
    assert answer.json["bases"] == _bases(fresh)


def test_a_bag_save_before_attendance_sends_the_phone_on_with_its_messages(app, login_as,
                                                                           school):
    client = login_as("teacher")
    attendance, bag = check_url(school, "attendance"), check_url(school, "bag")
    with school_time(7, 40):
        answer = client.post(bag, data=loaded_form(client, bag), headers=JSON | EN)
        assert answer.json == {"saved": True, "version": 1, "next": attendance}
        text = client.get(attendance, headers=EN).get_data(as_text=True)
    assert "Bag check saved." in text  # the message waited for the page the phone goes to


def test_a_second_save_with_the_answers_bases_and_version_is_no_conflict(app, login_as,
                                                                         school):
    client = login_as("teacher")
    url = check_url(school, "attendance")
    with school_time(7, 40):
        data = loaded_form(client, url)
        sids = _sids(data)
        data[f"s{sids[0]}"] = "absent"
        first = client.post(url, data=data, headers=JSON)
        # What checks.js does with the answer: the new version and bases into the form.
        data |= first.json["bases"] | {"version": str(first.json["version"])}
        data[f"s{sids[1]}"] = "absent"
        second = client.post(url, data=data, headers=JSON | EN)
    assert second.status_code == 200, second.get_data(as_text=True)[:500]
    assert second.json["version"] == 2
    assert "last changed at 07:40" in _text(_Parts(second.json["html"]).parts["saved"])
    with app.app_context():
        check = db.session.scalars(db.select(Check)).one()
        statuses = {e.student_id: e.status for e in check.entries}
        assert check.version == 2
    assert [statuses[sid] for sid in sids[:3]] == ["absent", "absent", "present"]


def test_a_save_merged_with_someone_elses_reloads_the_page_to_show_their_rows(app, login_as,
                                                                              school):
    teacher, office = login_as("teacher"), login_as("office")
    url = check_url(school, "attendance")
    with school_time(7, 40):
        phone = loaded_form(teacher, url)
        sids = _sids(phone)
        office.post(url, data=loaded_form(office, url) | {f"s{sids[4]}": "absent"})
        answer = teacher.post(url, data=phone | {f"s{sids[0]}": "absent"}, headers=JSON | EN)
        page = teacher.get(url, headers=EN).get_data(as_text=True)
    # The phone still shows the office's row as present: it loads the page again.
    assert answer.json == {"saved": True, "version": 2, "next": url}
    assert "Attendance saved." in page
    assert re.search(rf'name="s{sids[4]}" value="absent" checked', page)
