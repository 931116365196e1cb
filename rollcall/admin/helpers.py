"""Small shared pieces of the admin views: school-scoped lookups, search, form choices."""

from flask import flash, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_
from wtforms.fields import SelectChoice

from rollcall.access import scoped_or_404
from rollcall.admin import services
from rollcall.extensions import db
from rollcall.models import Guardian, Homeroom, Role, User

PER_PAGE = 50


def refused(form, save) -> int | None:
    """Run save() (a write through admin.services); None when it saved. When another admin
    took the same name a moment ago (NotUnique) or saved other values in the fields this one
    changed (Overtaken), nothing is saved and the page comes back as typed, saying so: the
    status to draw it with."""
    try:
        save()
    except services.NotUnique as taken:
        check_again(form, taken)
        return 200  # the form names the taken name, as for one taken long before
    except services.Overtaken as clash:
        overtaken(form, clash)
        return 409
    return None


def check_again(form, taken: Exception) -> None:
    """After services.NotUnique: the form, checked again, names what another admin took a
    moment ago, so the page comes back as typed with the same words as a name taken long
    before. When it finds nothing wrong the refusal was something else: raised again."""
    if form.validate():
        raise taken


# The form field that shows a record's attribute, where their names differ.
_FIELD_OF = {"phone_e164": "phone", "phone_raw": "phone"}


def overtaken(form, clash) -> None:
    """After services.Overtaken: the page comes back as typed, names the fields someone else
    changed meanwhile, and carries what is saved now, so that saving again keeps what is
    typed (and cancelling keeps theirs)."""
    labels = []
    for key in clash.fields:
        field = getattr(form, _FIELD_OF.get(key, key), None)
        label = str(field.label.text) if field is not None else None
        if label and label not in labels:
            labels.append(label)
    flash(_("While you were editing, someone else saved other values in: %(fields)s. What you "
            "typed is still below: save again to keep it, or cancel to keep theirs.",
            fields=_(", ").join(labels)), "warning")
    form.show_saved()


def own_or_404(model, object_id: int):
    """A row of the signed-in user's school, or 404 (another school's rows do not exist)."""
    return scoped_or_404(current_user, model, object_id)


def search(query, *columns):
    """Filter by ?q= across these columns (case-insensitive substring)."""
    text = request.args.get("q", "").strip()
    if text:
        pattern = f"%{text}%"
        query = query.where(or_(*(column.ilike(pattern) for column in columns)))
    return query


def guardian_search_page(school_id: int):
    """The school's guardians matching ?q= (name or phone), one page of them."""
    query = search(db.select(Guardian).where(Guardian.school_id == school_id)
                   .order_by(Guardian.name), Guardian.name, Guardian.phone_e164,
                   Guardian.phone_raw)
    return paginate(query)


def paginate(query):
    return db.paginate(query, page=request.args.get("page", 1, type=int), per_page=PER_PAGE,
                       error_out=False)


def homeroom_choices(school_id: int) -> list[tuple[int, str]]:
    homerooms = db.session.scalars(db.select(Homeroom).where(Homeroom.school_id == school_id)
                                   .order_by(Homeroom.grade, Homeroom.name))
    return [SelectChoice(h.id, h.name if h.active else f"{h.name} (-)") for h in homerooms]


def teacher_choices(school_id: int) -> list[tuple[int, str]]:
    users = db.session.scalars(db.select(User).where(
        User.school_id == school_id, User.role == Role.TEACHER).order_by(User.display_name))
    return [SelectChoice(u.id, f"{u.display_name} ({u.username})") for u in users]


def rows_by_ids(model, ids: list[int], school_id: int) -> list:
    if not ids:
        return []
    return list(db.session.scalars(db.select(model).where(
        model.id.in_(ids), model.school_id == school_id)))
