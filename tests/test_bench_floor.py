"""The benchmark's floor app (bench/floor_app.py): the bare floor and the same floor behind a
sign-in, which the in-process benchmark measures Rollcall's requests against."""

from bench import floor_app
from rollcall.extensions import db
from rollcall.models import Homeroom, Role
from tests import factories


def test_the_signed_in_floor_asks_for_a_sign_in_and_then_does_the_floors_work(app):
    with app.app_context():
        school = factories.school()
        room = Homeroom(school=school, name="九年级1班", grade=9)
        db.session.add(room)
        db.session.flush()
        for seat in (2, 1):
            factories.student(school, room, seat)
        teacher = factories.user(school, "floor.t", Role.TEACHER, [room])
        db.session.commit()
        uri, room_id, user_id = app.config["SQLALCHEMY_DATABASE_URI"], room.id, teacher.id
    floor_app.prepare(uri, [room_id])
    floor = floor_app.create_app(uri, signed=True)
    bare = floor_app.create_app(uri)
    try:
        client = floor.test_client()
        assert bare.test_client().get(f"/signed/{room_id}").status_code == 404  # bare: no sign-in

        assert client.get(f"/signed/{room_id}").status_code == 401
        assert client.post(f"/signed/{room_id}").status_code == 401
        assert client.post(f"/signed/login/{user_id}").status_code == 204
        page = client.get(f"/signed/{room_id}").get_data(as_text=True)
        assert page.index("<td>1</td>") < page.index("<td>2</td>")  # the class, by seat
        assert client.post(f"/signed/{room_id}").status_code == 204
        assert bare.test_client().post(f"/floor/{room_id}").status_code == 204
        with app.app_context():
            assert db.session.execute(db.text("SELECT saves FROM floor_saves WHERE id = :id"),
                                      {"id": room_id}).scalar_one() == 2
    finally:  # the floor's table is not the app's: the database is left as migrations made it
        floor.extensions["floor_engine"].dispose()
        bare.extensions["floor_engine"].dispose()
        with app.app_context():
            db.session.remove()
            with db.engine.begin() as connection:
                connection.execute(db.text("DROP TABLE IF EXISTS floor_saves"))
