"""Who may see what: role checks for views and the homeroom scope of a teacher."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import bindparam
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from rollcall.extensions import db
from rollcall.models import Homeroom, Role, Student, User, homeroom_teachers


def roles_required(*roles: Role):
    """View decorator: signed in, and with one of these roles (else 403)."""
    allowed = {str(role) for role in roles}

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


# Built once: a teacher's homerooms are read on most of a teacher's requests, and the lazy load
# of user.homerooms builds its statement and cache key again each time.
OWN_HOMEROOMS = (db.select(Homeroom)
                 .join(homeroom_teachers, homeroom_teachers.c.homeroom_id == Homeroom.id)
                 .where(homeroom_teachers.c.user_id == bindparam("user_id"))
                 .order_by(Homeroom.name))


def own_homerooms(user: User) -> list[Homeroom]:
    """user.homerooms (a teacher's own, active or not), read by a statement built once."""
    if "homerooms" not in user.__dict__:  # not loaded yet in this session
        set_committed_value(user, "homerooms",
                            list(db.session.scalars(OWN_HOMEROOMS, {"user_id": user.id})))
    return user.homerooms


def visible_homerooms(user: User) -> list[Homeroom]:
    """The active homerooms this user may see: a teacher's own, or all of the school's."""
    if user.role == Role.TEACHER:
        return [homeroom for homeroom in own_homerooms(user) if homeroom.active]
    return list(
        db.session.scalars(
            db.select(Homeroom)
            .where(Homeroom.school_id == user.school_id, Homeroom.active.is_(True))
            .order_by(Homeroom.grade, Homeroom.name)
        )
    )


def can_see_homeroom(user: User, homeroom: Homeroom | None) -> bool:
    """True if the homeroom exists, is in the user's school, and (teachers) is their own."""
    if homeroom is None or homeroom.school_id != user.school_id:
        return False
    if user.role == Role.TEACHER:
        return any(own.id == homeroom.id for own in own_homerooms(user))
    return True


def can_see_student(user: User, student: Student | None) -> bool:
    """True if the student is in the user's school and (teachers) in one of their homerooms:
    what student_or_404 lets through, for rows listed rather than loaded by id."""
    if student is None or student.school_id != user.school_id:
        return False
    return user.role != Role.TEACHER or can_see_homeroom(user, student.homeroom)


# Built once (nearly every page runs one): building a statement and its cache key per request
# costs more CPU than running it.
SCHOOL_HOMEROOM = (db.select(Homeroom).options(joinedload(Homeroom.school))
                   .where(Homeroom.id == bindparam("homeroom_id"),
                          Homeroom.school_id == bindparam("school_id")))
OWN_HOMEROOM = (SCHOOL_HOMEROOM
                .join(homeroom_teachers, homeroom_teachers.c.homeroom_id == Homeroom.id)
                .where(homeroom_teachers.c.user_id == bindparam("user_id")))


def homeroom_or_404(user: User, homeroom_id: int) -> Homeroom:
    """The homeroom (with its school), if this user may see it; otherwise 404 (existence is
    not revealed). One query: a teacher's other homerooms are not loaded to check this one."""
    return homeroom_with_or_404(user, homeroom_id)[0]


def homeroom_with_or_404(user: User, homeroom_id: int, also=None) -> tuple:
    """(homeroom, *the also statements' columns): homeroom_or_404's statements with columns
    a page reads along with the homeroom (also: (for a teacher, for the office), each built
    once from OWN_HOMEROOM and SCHOOL_HOMEROOM with .add_columns)."""
    own, school = also or (OWN_HOMEROOM, SCHOOL_HOMEROOM)
    user = getattr(user, "_get_current_object", lambda: user)()  # current_user: found once
    row = db.session.execute(
        own if user.role == Role.TEACHER else school,
        {"homeroom_id": homeroom_id, "school_id": user.school_id, "user_id": user.id}).first()
    if row is None:
        abort(404)
    return tuple(row)


def scoped_or_404(user: User, model, row_id: int, homeroom_of=None):
    """The row, if this user may see it; otherwise 404 (existence is not revealed).

    Every view and API route that loads a row by its id asks here: the row must be of the
    user's school and, with `homeroom_of` (the row's homeroom: a case's, an item's check's),
    a teacher's own homeroom; the office and the admin see the whole school. Without
    `homeroom_of` the row is school-wide (accounts, guardians). Homerooms themselves go
    through homeroom_or_404, which does the same in one statement.
    """
    row = db.session.get(model, row_id)
    if row is None:
        abort(404)
    homeroom = homeroom_of(row) if homeroom_of is not None else None
    school_id = getattr(row, "school_id", None)
    if school_id is None and homeroom is not None:
        school_id = homeroom.school_id
    if school_id != user.school_id or (homeroom is not None
                                       and homeroom.school_id != user.school_id):
        abort(404)
    if homeroom_of is not None and user.role == Role.TEACHER \
            and not can_see_homeroom(user, homeroom):
        abort(404)
    return row


def student_or_404(user: User, student_id: int) -> Student:
    """The student, if in a homeroom this user may see (office: any in the school)."""
    return scoped_or_404(user, Student, student_id, homeroom_of=lambda student: student.homeroom)
