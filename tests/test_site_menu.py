"""The staff's site menu: who sees which entries, and which entry a page marks as current."""

import re

import pytest

pytestmark = pytest.mark.any_database  # checked by tests/dialect_guard.py


def menu(client, path) -> tuple[list[str], list[str]]:
    """(every entry's text, the entries marked aria-current) of the site menu on a page."""
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.get_data(as_text=True)
    found = re.search(r'<ul class="menu-links">(.*?)</ul>', html, re.S)
    if not found:
        return [], []
    links = re.findall(r"<a [^>]*?(aria-current=\"page\")?>([^<]+)</a>", found.group(1))
    return [text for _, text in links], [text for current, text in links if current]


@pytest.fixture
def english(login_as):
    def sign_in(role):
        client = login_as(role)
        client.post("/language", data={"locale": "en"})
        return client

    return sign_in


@pytest.mark.parametrize(("path", "current"), [
    ("/office/", "Today"),
    ("/office/log", "Log"),
    ("/students/{student}", "Log"),
    ("/office/texts", "Parent texts"),
    ("/office/audit", "Audit trail"),
    ("/cases/", "Missing students"),
    ("/contacts/", "Guardian contacts"),
])
def test_office_pages_mark_the_entry_they_sit_under(school, english, path, current):
    client = english("office")
    entries, marked = menu(client, path.format(student=school.student_ids["room1"][0]))
    assert marked == [current]
    assert "Admin" not in entries and len(entries) == 9


@pytest.mark.parametrize("path", ["/admin/", "/admin/users", "/admin/text-settings",
                                  "/admin/missing-students"])
def test_admin_pages_mark_admin_in_the_menu(english, path):
    entries, marked = menu(english("admin"), path)
    assert entries[-1] == "Admin" and marked == ["Admin"]


def test_the_admin_tabs_mark_the_text_settings(english):
    html = english("admin").get("/admin/text-settings").get_data(as_text=True)
    tabs = html.split('class="admin-tabs')[1].split("</nav>")[0]
    assert re.findall(r'aria-current="page">([^<]+)<', tabs) == ["Parent text settings"]


def test_teachers_get_no_site_menu(school, login_as):
    client = login_as("teacher")
    html = client.get(f"/homerooms/{school.homeroom_ids['room1']}/today").get_data(as_text=True)
    assert 'class="menu-links"' not in html and "menu.js" not in html
