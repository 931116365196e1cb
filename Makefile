# Rollcall: `make run` serves the demo school; `make test` runs the whole suite.
# Both install the pinned versions of constraints.txt (`make lock` regenerates it from setup.cfg).
PYTHON ?= python3
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app rollcall
CONSTRAINTS := constraints.txt
UV_VERSION := 0.13.8
export ROLLCALL_ENV ?= development

.PHONY: run test lint lock bench translations catalogs wheel-check clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/activate setup.cfg pyproject.toml setup.py $(CONSTRAINTS)
	$(PYTHON) tools/check_constraints.py setup.cfg $(CONSTRAINTS)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e ".[test,dev]"
	touch $@

# Pin every package setup.cfg's ranges allow (the test and dev extras too) into constraints.txt
# with uv. Pins that still fit are kept; `make lock UPGRADE=1` moves them all to the newest.
lock: $(BIN)/activate
	$(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"
	$(BIN)/uv pip compile setup.cfg --extra test --extra dev --python-version 3.11 --universal \
		--quiet --custom-compile-command "make lock" $(if $(UPGRADE),--upgrade) -o $(CONSTRAINTS)
	$(PYTHON) tools/check_constraints.py setup.cfg $(CONSTRAINTS)

catalogs: $(VENV)/.installed
	$(BIN)/pybabel compile -d rollcall/translations

run: catalogs
	$(FLASK) init-db
	$(FLASK) demo-data --if-empty
	@echo "Rollcall: http://127.0.0.1:$(PORT)/login, with the scheduler (texts are recorded, not sent); Ctrl-C stops both"
	$(FLASK) run-all --host 127.0.0.1 --port $(PORT)

# The whole suite on SQLite, then on PostgreSQL when ROLLCALL_TEST_DATABASE_URL is set, less
# the tests marked any_database there (tools/test_passes.sh). Each pass runs on every core
# (pytest-xdist; TEST_WORKERS=0 for one process) in a random order (pytest-randomly prints its
# seed: PYTEST_ARGS=--randomly-seed=N repeats an order, PYTEST_ARGS="-p no:randomly" keeps the
# files' order).
TEST_WORKERS ?= auto

test: catalogs
	tools/test_passes.sh $(BIN)/python -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .

bench: catalogs
	$(BIN)/python -m bench

# Extract the strings to translate and merge them into the catalogs.
translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		-o rollcall/translations/messages.pot .
	$(BIN)/pybabel update -i rollcall/translations/messages.pot -d rollcall/translations \
		--no-fuzzy-matching --width 100

# Build the wheel, install it alone into a fresh venv, and render the login page from it.
wheel-check: $(VENV)/.installed
	rm -rf build dist /tmp/rollcall-wheel-venv
	$(BIN)/python -m pip wheel --quiet --no-deps -w dist .
	$(PYTHON) -m venv /tmp/rollcall-wheel-venv
	/tmp/rollcall-wheel-venv/bin/pip install --quiet -c $(CONSTRAINTS) dist/rollcall-*.whl
	cd /tmp && /tmp/rollcall-wheel-venv/bin/python -c "import sys; from rollcall import create_app; \
	app = create_app({'SECRET_KEY': 'x', 'SQLALCHEMY_DATABASE_URI': 'sqlite://'}); \
	page = app.test_client().get('/login', headers={'Accept-Language': 'zh-CN'}); \
	text = page.get_data(as_text=True); \
	assert page.status_code == 200 and 'csrf_token' in text and '登录' in text, text[:500]; \
	assert app.test_client().get('/static/css/rollcall.css').status_code == 200; \
	print('wheel check: the installed wheel renders the login page in Chinese')"
	rm -f /tmp/rollcall-wheel.sqlite3
	cd /tmp && ROLLCALL_SQLALCHEMY_DATABASE_URI=sqlite:////tmp/rollcall-wheel.sqlite3 \
		/tmp/rollcall-wheel-venv/bin/flask --app rollcall init-db

clean:
	rm -rf build dist *.egg-info .pytest_cache
