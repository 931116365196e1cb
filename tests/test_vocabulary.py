"""One vocabulary: every code has its words, and every page names a code the same way: the
teacher's pages, the office board, log, CSV and student history, and the audit trail."""

import enum
import html
import importlib
import pkgutil

import pytest
from flask_babel import force_locale

import rollcall
from rollcall import vocabulary
from rollcall.cases.models import CaseOutcome
from rollcall.checks.models import (
    AttendanceStatus,
    BagStatus,
    CheckKind,
    DismissalReason,
    DismissalStatus,
    FindingAction,
    FindingCategory,
)
from rollcall.custody.models import CustodyState
from rollcall.custody.services import FIRST_HOLDER
from rollcall.family.models import ContactReason
from rollcall.models import Role
from rollcall.notify import models as notify_models
from rollcall.office import states as office_states
from rollcall.screening.models import ConflictSeverity
from rollcall.watch.models import WatchReason
from tests.checks_support import check_url, homeroom, school_time

pytestmark = pytest.mark.any_database  # checked by tests/dialect_guard.py

# Modules that build an app when imported; they define no enum.
NOT_IMPORTED = {"rollcall.wsgi", "rollcall.gunicorn_conf"}


def _every_enum() -> list[type[enum.Enum]]:
    """Every enum rollcall defines, in any module: a code the app stores or shows."""
    found = []
    for module_info in pkgutil.walk_packages(rollcall.__path__, "rollcall."):
        if ".migrations" in module_info.name or module_info.name in NOT_IMPORTED:
            continue
        module = importlib.import_module(module_info.name)
        found += [value for value in vars(module).values()
                  if isinstance(value, type) and issubclass(value, enum.Enum)
                  and value.__module__ == module.__name__]
    return sorted(found, key=lambda e: (e.__module__, e.__name__))


STORED_ENUMS = _every_enum()


def test_the_enums_are_found_in_every_package():
    assert {CheckKind, FindingAction, DismissalReason, notify_models.TextStatus,
            office_states.ParentTextState, Role, CaseOutcome, WatchReason, CustodyState,
            ConflictSeverity, ContactReason} <= set(STORED_ENUMS)


@pytest.mark.parametrize("enum_class", STORED_ENUMS, ids=lambda e: e.__name__)
def test_every_code_has_words_in_both_languages(app, enum_class):
    assert enum_class in vocabulary.TABLES, f"{enum_class.__name__} has no words"
    with app.test_request_context():
        for member in enum_class:
            with force_locale("en"):
                english = vocabulary.name(member)
            with force_locale("zh_Hans"):
                chinese = vocabulary.name(member)
            assert english and english != member.value, member
            assert chinese and chinese != english, member


def test_a_dismissal_reason_never_reads_as_a_bag_check_action(app):
    with app.test_request_context(), force_locale("zh_Hans"):
        assert vocabulary.detail_name("dismissal", "reason", "kept_by_teacher") == "被老师留下"
        assert vocabulary.detail_name("bag", "action", "kept_by_teacher") == "已没收，由班主任保管"
        assert vocabulary.detail_name("attendance", "reason", "kept_by_teacher") == \
            "kept_by_teacher"  # an excuse is typed text, shown as typed


# One saved entry per code: (kind, status, form details).
CASES = (
    [("bag", BagStatus.CLEAR, {}), ("bag", BagStatus.NOT_CHECKED, {})]
    + [("bag", BagStatus.FOUND, {"category": category,
                                 "action": list(FindingAction)[i % len(FindingAction)]})
       for i, category in enumerate(FindingCategory)]
    + [("attendance", status, {"reason": "看病"} if status == AttendanceStatus.EXCUSED else
        {"arrived_at": "08:05"} if status == AttendanceStatus.LATE else {})
       for status in AttendanceStatus]
    + [("dismissal", DismissalStatus.LEFT, {})]
    + [("dismissal", DismissalStatus.ON_CAMPUS, {"reason": reason, "location": "操场"})
       for reason in DismissalReason]
)
PREFIX = {"arrived_at": "t", "reason": "r", "category": "c", "action": "a", "location": "l"}


def _words(app, kind, status, details, locale) -> list[str]:
    with app.test_request_context(), force_locale(locale):
        words = [vocabulary.name(status)]
        for field, value in details.items():
            if (CheckKind(kind), field) in vocabulary.ENUM_DETAILS:
                words.append(vocabulary.detail_name(kind, field, value))
    return words


def _held_words(app, state, locale) -> str:
    with app.test_request_context(), force_locale("en" if locale == "en" else "zh_Hans"):
        return vocabulary.name(state)


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize(("kind", "status", "details"), CASES,
                         ids=[f"{k}-{s}-{'-'.join(map(str, d.values()))}" for k, s, d in CASES])
def test_every_page_names_a_code_with_the_same_words(app, school, login_as, kind, status,
                                                      details):
    teacher, office = login_as("teacher"), login_as("office")
    with app.app_context():
        pupil = homeroom(school).students[1]
        sid, number = pupil.id, pupil.student_number
    form = {f"s{sid}": str(status)} | {f"{PREFIX[k]}{sid}": str(v) for k, v in details.items()}
    with school_time(17, 30):
        if status == AttendanceStatus.LEFT_AFTER_BAG:  # only for a student the bag check saw
            assert teacher.post(check_url(school, "bag"), data={}).status_code == 302
        assert teacher.post(check_url(school, kind), data=form).status_code == 302
        for locale in ("en", "zh"):
            words = _words(app, kind, status, details, "en" if locale == "en" else "zh_Hans")
            lang = {"Accept-Language": locale}
            pages = {
                "teacher's Today": _text(teacher.get(
                    f"/homerooms/{school.homeroom_ids['room1']}/today", headers=lang)),
                "check's changes": _text(teacher.get(check_url(school, kind), headers=lang))
                .split('id="history"')[-1],
                "office log": _text(office.get(f"/office/log?show=all&kind={kind}&student={number}",
                                               headers=lang)).split("<tbody>")[1],
                "CSV": _text(office.get(f"/office/log.csv?show=all&kind={kind}&student={number}",
                                        headers=lang)),
                "audit trail": _text(office.get("/office/audit", headers=lang))
                .split('class="audit-cards"')[1],
            }
            if status in (BagStatus.FOUND, DismissalStatus.ON_CAMPUS, AttendanceStatus.ABSENT,
                          AttendanceStatus.EXCUSED, AttendanceStatus.LEFT_AFTER_BAG):
                pages["office board"] = _text(office.get("/office/", headers=lang))
            if status in (BagStatus.FOUND, DismissalStatus.ON_CAMPUS):
                pages["student's history"] = _text(office.get(f"/students/{sid}",
                                                              headers=lang))
            for where, text in pages.items():
                shown = [word for word in words if word in text]
                if where in ("office board", "student's history", "teacher's Today"):
                    # These list the details, or (Today) count the statuses.
                    expected = words[1:] or words if where != "teacher's Today" else words[:1]
                else:
                    expected = words
                held = FIRST_HOLDER.get(details.get("action"))
                if held and where in ("CSV", "office board"):
                    # "Where it is now" reads the custody trail the finding opened.
                    expected = [_held_words(app, held, locale) if word == words[-1] else word
                                for word in expected]
                if status in (BagStatus.CLEAR, DismissalStatus.LEFT,
                              AttendanceStatus.PRESENT) and where == "check's changes":
                    continue  # a default is not listed as a change
                shown += [word for word in expected if word not in words and word in text]
                assert set(expected) <= set(shown), (locale, where, expected, shown)


def test_words_written_as_constants_follow_each_requests_language(app):
    """Jinja folds a filter on a constant into the cached template: the board's totals
    (`{{ "late"|status_name }}`) once stayed in the first visitor's language for everyone."""
    filters = [name for name in app.jinja_env.filters
               if name.endswith("_name") or name == "datetime"]
    assert {"status_name", "kind_name", "category_name", "datetime"} <= set(filters)
    source = " | ".join(
        ['{{ "late"|status_name }}', '{{ "bag"|kind_name }}', '{{ "knife"|category_name }}'])
    template = app.jinja_env.from_string(source)
    with app.test_request_context("/"):
        with force_locale("en"):
            english = template.render()
        with force_locale("zh_Hans"):
            chinese = template.render()
        with force_locale("en"):
            again = template.render()
    assert english == again == "Late | Bag check | Controlled knife or blade"
    assert chinese.startswith("迟到 | ") and chinese != english
