"""Entry point for gunicorn: `gunicorn -c python:rollcall.gunicorn_conf 'rollcall.wsgi:app'`
(production unless told otherwise)."""

import os

from rollcall import create_app

os.environ.setdefault("ROLLCALL_ENV", "production")
app = create_app()
