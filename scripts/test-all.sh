#!/usr/bin/env bash
# Checks the import order between areas and lint, then runs the whole test suite twice: on an
# SQLite file, then on a throwaway PostgreSQL cluster.
# Fails when either run fails or collects no test (pytest exits 5).
set -euo pipefail
cd "$(dirname "$0")/.."
python=.venv/bin/python

echo "== import order between areas (import-linter) and lint (ruff) =="
.venv/bin/lint-imports --no-cache
.venv/bin/ruff check .
.venv/bin/ruff format --check .

echo "== tests on SQLite =="
"$python" -m pytest "$@"

echo "== tests on PostgreSQL (pg_virtualenv) =="
# pg_virtualenv exports PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE for its cluster.
pg_virtualenv sh -c '
    export TEST_DATABASE_URL="postgresql+psycopg://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$PGDATABASE"
    exec "$0" -m pytest "$@"
' "$python" "$@"
