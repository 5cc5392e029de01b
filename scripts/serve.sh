#!/usr/bin/env bash
# `make run`: the web server (gunicorn, or Flask's reloader with --dev) and the job worker
# that runs batch prints, started together and stopped together: Ctrl-C, or either of them
# ending, stops both.
set -uo pipefail
cd "$(dirname "$0")/.."
export FLASK_APP=app

.venv/bin/flask jobs worker &
worker=$!
if [ "${1:-}" = "--dev" ]; then
    .venv/bin/flask run --debug --host 127.0.0.1 --port 5000 &
else
    .venv/bin/gunicorn --config gunicorn.conf.py app:app &
fi
web=$!

stop() {
    kill -TERM "$web" "$worker" 2>/dev/null
}
trap stop INT TERM
# Whichever ends first (Ctrl-C interrupts the wait), the other is stopped too.
wait -n "$web" "$worker"
status=$?
stop
wait "$web" "$worker" 2>/dev/null
exit "$status"
