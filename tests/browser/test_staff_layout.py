"""Every office and admin page on a phone (390×844, touch) and on a desk (1366×768), in Chinese
and in English, with the demo school's rows: no sideways scrolling, no table cell squeezed below
two characters or cutting its text off, a table that scrolls says so, the site menu with the
page's entry marked, a page title, and on the phone one-line top bar and 44×44 tap targets.

The pages come from the app's url_map, by blueprint, so a new staff page is visited without
anyone adding it here."""

import shutil
import tempfile
from datetime import UTC, date, datetime

import pytest

from rollcall import clock
from rollcall.cases.models import CaseTrigger
from rollcall.cases.services import raise_case
from rollcall.custody.models import ConfiscatedItem
from rollcall.demo.school import DEMO_PASSWORD, build_demo_school
from rollcall.extensions import db
from rollcall.models import Guardian, Homeroom, User
from rollcall.notify.models import OutboxText
from rollcall.roster.checks import check_upload
from rollcall.screening.models import Conflict
from rollcall.watch.models import WatchEntry
from tests.browser.conftest import LOCALES, PHONE
from tests.roster_helpers import ONEROSTER

pytestmark = pytest.mark.both_languages

# Thursday 26 November 2026, 08:20 in Shanghai, as on the board's own browser test.
MORNING = datetime(2026, 11, 26, 0, 20, tzinfo=UTC)
TODAY = date(2026, 11, 26)
DESK = {"viewport": {"width": 1366, "height": 768}}
SIZES = {"phone": PHONE, "desk": DESK}

# The areas office staff and admins work in; the teacher's check pages and the API are not theirs.
STAFF_BLUEPRINTS = {"office", "admin", "contacts", "notify", "cases", "custody", "screening",
                    "watch", "family", "auth"}
# GET endpoints of those areas that are not pages a person reads. (POST-only endpoints, the
# forms' targets, are left out by their methods.)
NOT_PAGES = {
    "office.board_fragment": "the board's refresh fetches it into the board; not a page",
    "office.log_csv": "a CSV download",
    "notify.office_texts_csv": "a CSV download",
    "auth.login": "the sign-in page, for people not signed in (tests/browser/test_sign_in.py)",
}
# Pages that show a day: the demo's last day with parent texts, so their lists have rows.
DAY_WITH_TEXTS = {"notify.office_texts", "notify.homeroom_texts"}
MINIMUM_TAP = 44
TOP_BAR_ONE_LINE = 64  # px: a 44 px button plus the bar's padding, with room to spare


@pytest.fixture
def staff_school(live_server):
    """The demo school at 08:20 with a missing-student case open; the ids each page needs."""
    with clock.frozen(MORNING), live_server.app.app_context():
        build_demo_school()
        db.session.commit()
        office = db.session.scalar(db.select(User).where(User.username == "office1"))
        room = db.session.scalar(db.select(Homeroom).where(Homeroom.name == "九年级1班"))
        student = room.students[3]
        case = raise_case(student, TODAY, CaseTrigger.UNREACHED, actor=office)
        db.session.commit()
        first = lambda model: db.session.scalar(db.select(model.id).order_by(model.id))  # noqa: E731
        return {
            "token": kept_oneroster_check(),
            "homeroom_id": room.id, "student_id": student.id, "case_id": case.id,
            "guardian_id": student.guardian_links[0].guardian_id, "user_id": office.id,
            "entry_id": first(WatchEntry), "conflict_id": first(Conflict),
            "item_id": first(ConfiscatedItem), "week": "2026-W48",
            "texts_day": db.session.scalar(db.select(db.func.max(OutboxText.school_date))),
        }


def kept_oneroster_check() -> str:
    """The admin's check of a OneRoster set without homerooms, for its roll-call groups page."""
    admin = db.session.scalar(db.select(User).where(User.username == "admin"))
    with tempfile.TemporaryDirectory() as folder:
        archive = shutil.make_archive(f"{folder}/set", "zip", root_dir=ONEROSTER / "scheduled_only")
        with open(archive, "rb") as handle:
            _report, check = check_upload("set.zip", handle, admin.school, admin)
    return check.token


def staff_pages(app, ids) -> list[str]:
    """Every GET page of the staff's blueprints, its path arguments filled in from the demo."""
    assert first_guardian_exists(app, ids["guardian_id"])
    paths = set()
    with app.test_request_context():
        adapter = app.url_map.bind("localhost")
        for rule in app.url_map.iter_rules():
            blueprint = rule.endpoint.split(".")[0]
            if (blueprint not in STAFF_BLUEPRINTS or "GET" not in rule.methods
                    or rule.endpoint in NOT_PAGES):
                continue
            defaults = rule.defaults or {}
            missing = rule.arguments - set(ids) - set(defaults)
            assert not missing, f"{rule.rule}: no demo value for {missing} (see staff_school)"
            values = {name: ids[name] for name in rule.arguments if name not in defaults}
            query = {"day": ids["texts_day"].isoformat()} if rule.endpoint in DAY_WITH_TEXTS else {}
            paths.add(adapter.build(rule.endpoint, values | query, force_external=False))
    return sorted(paths)


def first_guardian_exists(app, guardian_id) -> bool:
    with app.app_context():
        return db.session.get(Guardian, guardian_id) is not None


PAGE_PROBLEMS = """([phone, minimumTap, oneLine]) => {
    const problems = [];
    const visible = (node) => {
        const box = node.getBoundingClientRect();
        return box.width > 1 && box.height > 1 && getComputedStyle(node).visibility !== "hidden"
            && !node.closest(".visually-hidden");
    };
    const label = (node) => (node.innerText || node.value || node.getAttribute("aria-label")
                             || node.tagName).trim().replace(/\\s+/g, " ").slice(0, 40);
    const root = document.scrollingElement;
    if (root.scrollWidth > window.innerWidth) {
        problems.push(`scrolls sideways: ${root.scrollWidth} > ${window.innerWidth}`);
    }
    const menu = document.querySelector("nav#site-menu");
    if (!menu || menu.querySelectorAll(".menu-links a[href]").length < 9) {
        problems.push("no site menu");
    } else if (!menu.querySelector("[aria-current=page]")) {
        problems.push("no menu entry marked aria-current=page");
    }
    const h1 = document.querySelector("main h1");
    if (!h1 || !h1.innerText.trim()) { problems.push("no <h1>"); }
    if (!document.title.split("·")[0].trim()) {
        problems.push(`no page title: "${document.title}"`);
    }
    const bar = document.querySelector("header.topbar").getBoundingClientRect();
    if (phone && bar.height > oneLine) {
        problems.push(`top bar ${Math.round(bar.height)} px tall`);
    }
    if (!phone && !visible(menu.querySelector(".menu-links"))) {
        problems.push("menu folded away on a desk");
    }
    // Each cell's (and label's, and button's) text: its first two characters side by side, and
    // inside the cell.
    document.querySelectorAll("main td, main th, main label, main button, main .button")
            .forEach((cell) => {
        if (!visible(cell)) { return; }
        const box = cell.getBoundingClientRect();
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const pair = /\\S\\S/.exec(node.data);
            if (!pair || !visible(node.parentElement)) { continue; }
            const range = document.createRange();
            range.setStart(node, pair.index);
            range.setEnd(node, pair.index + 2);
            const rects = [...range.getClientRects()].filter((r) => r.width > 0);
            if (rects.some((r) => Math.abs(r.top - rects[0].top) > 2)) {
                problems.push(`narrower than two characters: "${label(cell)}"`);
                return;
            }
            const clip = cell.matches("td, th") && !cell.closest(".table-scroll") ? box : null;
            if (clip && rects.some((r) => r.right > clip.right + 1 || r.left < clip.left - 1)) {
                problems.push(`cell cuts its text off: "${label(cell)}"`);
                return;
            }
        }
    });
    // A table wider than its box scrolls in a region that says so.
    document.querySelectorAll("main .table-scroll").forEach((region) => {
        if (region.scrollWidth <= region.clientWidth + 1) { return; }
        const hint = region.previousElementSibling;
        if (region.getAttribute("role") !== "region" || !region.getAttribute("aria-label")
                || region.tabIndex !== 0 || !hint || !hint.matches(".scroll-hint")
                || !visible(hint)) {
            problems.push(`table scrolls without saying so: "${label(region).slice(0, 20)}"`);
        }
    });
    if (phone) {
        const targets = "a[href], button, summary, input[type=submit]";
        document.querySelectorAll(targets).forEach((node) => {
            if (!visible(node)) { return; }
            const box = node.getBoundingClientRect();
            if (box.width < minimumTap || box.height < minimumTap) {
                const size = `${Math.round(box.width)}×${Math.round(box.height)}`;
                problems.push(`small target: "${label(node)}" ${size}`);
            }
        });
    }
    return problems;
}"""


def sign_in(page, base_url, username):
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("form.card button[type=submit]").click()


@pytest.mark.parametrize("size", sorted(SIZES))
def test_every_staff_page_fits_and_says_where_it_is(live_server, browser, staff_school, lang, size):
    base, phone = live_server.url, size == "phone"
    pages = staff_pages(live_server.app, staff_school)
    problems, visited = {}, {}
    with clock.frozen(MORNING):
        for username in ("office1", "admin"):
            context = browser.new_context(locale=LOCALES[lang], **SIZES[size])
            context.set_default_timeout(10_000)
            page = context.new_page()
            try:
                sign_in(page, base, username)
                for path in pages:
                    if path in visited:
                        continue  # office staff saw it; an admin-only page is left for admin
                    status = page.goto(base + path).status
                    if status == 403 and username == "office1":
                        continue
                    visited[path] = (username, status)
                    assert page.evaluate("document.documentElement.lang") == (
                        "en" if lang == "en" else "zh-Hans"), path
                    found = page.evaluate(PAGE_PROBLEMS, [phone, MINIMUM_TAP, TOP_BAR_ONE_LINE])
                    if status != 200:
                        found.insert(0, f"status {status}")
                    if found:
                        problems[f"{username} {path}"] = found
            finally:
                context.close()
    assert set(visited) == set(pages)
    assert problems == {}


def test_the_phone_menu_opens_from_its_button(live_server, browser, staff_school, lang):
    context = browser.new_context(locale=LOCALES[lang], **PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        with clock.frozen(MORNING):
            sign_in(page, live_server.url, "office1")
            page.goto(f"{live_server.url}/office/log")
            log_link = page.locator("#site-menu a[aria-current=page]")
            assert not log_link.is_visible()
            page.locator(".menu-button").tap()
            assert page.locator(".menu-button").get_attribute("aria-expanded") == "true"
            assert log_link.is_visible()
            assert log_link.inner_text() == {"zh": "记录查询", "en": "Log"}[lang]
            with page.expect_navigation():
                page.locator("#site-menu .menu-links a").nth(0).tap()
            assert page.url == f"{live_server.url}/office/"
    finally:
        context.close()


def test_without_scripts_the_phone_shows_the_whole_menu(live_server, browser, staff_school):
    context = browser.new_context(locale="zh-CN", java_script_enabled=False, **PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        with clock.frozen(MORNING):
            sign_in(page, live_server.url, "office1")
            page.goto(f"{live_server.url}/office/audit")
            assert not page.locator(".menu-button").is_visible()
            links = page.locator("#site-menu .menu-links a")
            count = links.count()
            assert count >= 9 and all(links.nth(i).is_visible() for i in range(count))
    finally:
        context.close()
