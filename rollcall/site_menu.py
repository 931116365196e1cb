"""The staff's site menu: which entries a role sees, and which one the current page sits under.

Office staff and admins share one menu on every page they use; the admin pages add a second row
of tabs. Each entry names the endpoints (or whole blueprints) whose pages sit under it, so the
page can mark its entry with aria-current="page" and a reader always knows where they are."""

from dataclasses import dataclass

from flask import Flask, request, url_for
from flask_babel import lazy_gettext as _l

STAFF_ROLES = ("office", "admin")


@dataclass(frozen=True)
class MenuEntry:
    endpoint: str
    label: object
    roles: tuple[str, ...] = STAFF_ROLES
    under: tuple[str, ...] = ()  # more endpoints ("bp.view") or blueprints ("bp.") it covers


SITE_MENU = (
    MenuEntry("office.board", _l("Today")),
    MenuEntry("cases.case_list", _l("Missing students"), under=("cases.case_page",)),
    MenuEntry("watch.watch_list", _l("Students to watch"), under=("watch.",)),
    MenuEntry("custody.held", _l("Confiscated items"), under=("custody.",)),
    MenuEntry("office.log", _l("Log"), under=(
        "office.student", "office.this_week", "office.week", "family.", "screening.week",
        "screening.conflict_page", "checks.")),
    MenuEntry("notify.office_texts", _l("Parent texts"), under=("notify.homeroom_texts",)),
    MenuEntry("contacts.guardians", _l("Guardian contacts"), under=("contacts.",)),
    MenuEntry("office.chart_page", _l("Charts")),
    MenuEntry("office.audit", _l("Audit trail")),
    MenuEntry("admin.index", _l("Admin"), roles=("admin",), under=(
        "admin.", "cases.settings", "screening.settings", "notify.text_settings")),
)

ADMIN_TABS = (
    MenuEntry("admin.homerooms", _l("Homerooms"), under=("admin.homeroom_edit",)),
    MenuEntry("admin.students", _l("Students"), under=("admin.student_edit", "admin.guardian_add")),
    MenuEntry("admin.guardians", _l("Guardians"), under=("admin.guardian_edit",)),
    MenuEntry("admin.users", _l("Accounts"), under=("admin.user_edit",)),
    MenuEntry("admin.import_roster", _l("Import roster"),
              under=("admin.import_format", "admin.roster_groups")),
    MenuEntry("admin.school_settings", _l("School settings")),
    MenuEntry("admin.calendar", _l("School calendar")),
    MenuEntry("notify.text_settings", _l("Parent text settings")),
    MenuEntry("cases.settings", _l("Missing students")),
    MenuEntry("screening.settings", _l("Weekly conflict screening")),
)


@dataclass(frozen=True)
class MenuLink:
    url: str
    label: object
    current: bool


def covers(entry: MenuEntry, endpoint: str | None) -> bool:
    """Whether the page at this endpoint sits under this entry."""
    if not endpoint:
        return False
    return endpoint == entry.endpoint or any(
        endpoint.startswith(name) if name.endswith(".") else endpoint == name
        for name in entry.under)


def menu_links(entries, role: str | None, endpoint: str | None) -> list[MenuLink]:
    """The entries this role sees; the one closest to the page marked current (exact first)."""
    shown = [entry for entry in entries if role in entry.roles]
    exact = any(entry.endpoint == endpoint for entry in shown)
    return [MenuLink(url_for(entry.endpoint), entry.label,
                     entry.endpoint == endpoint if exact else covers(entry, endpoint))
            for entry in shown]


def site_menu(user) -> list[MenuLink]:
    """The site menu for the signed-in user on the current page (empty for teachers)."""
    role = getattr(user, "role", None) if getattr(user, "is_authenticated", False) else None
    if role not in STAFF_ROLES:
        return []
    return menu_links(SITE_MENU, role, request.endpoint)


def admin_tabs() -> list[MenuLink]:
    """The admin pages' second row of tabs, the current one marked."""
    return menu_links(ADMIN_TABS, "admin", request.endpoint)


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(site_menu=site_menu, admin_tabs=admin_tabs)
