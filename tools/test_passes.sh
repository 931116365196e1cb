#!/usr/bin/env bash
# `make test`: the whole suite on SQLite, then on PostgreSQL when ROLLCALL_TEST_DATABASE_URL is
# set, less the tests marked any_database (nothing in them depends on the database, which
# tests/dialect_guard.py checks in the SQLite pass). Both passes run even when the first fails;
# the exit status is the first failure's. Each pass's seconds go to stdout and, when TEST_TIMES
# names a file, to that file too.
# Usage: tools/test_passes.sh PYTHON [pytest arguments…]
set -u
python=$1
shift
status=0

pass() {
  local name=$1
  shift
  local start=$SECONDS
  "$@"
  local result=$?
  local line="$name: $((SECONDS - start)) s (pytest exit $result)"
  echo "== $line"
  if [ -n "${TEST_TIMES:-}" ]; then echo "$line" >> "$TEST_TIMES"; fi
  if [ "$status" -eq 0 ]; then status=$result; fi
}

pass "SQLite pass, every test" env -u ROLLCALL_TEST_DATABASE_URL "$python" -m pytest "$@"
if [ -n "${ROLLCALL_TEST_DATABASE_URL:-}" ]; then
  echo "== the suite on PostgreSQL, less the tests marked any_database"
  pass "PostgreSQL pass, not any_database" "$python" -m pytest -m "not any_database" "$@"
else
  echo "ROLLCALL_TEST_DATABASE_URL is not set: PostgreSQL pass skipped"
fi
exit "$status"
