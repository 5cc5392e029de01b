#!/usr/bin/env bash
# Installs the Debian packages noticeboard needs, when missing: `run` for serving and printing,
# `test` adds PostgreSQL (pg_virtualenv; its client brings pg_dump for the backup drill),
# Chromium for browser tests, poppler's pdftotext, npm (axe-core for the accessibility tests),
# redis-server (shared rate limits, started by the tests themselves), nginx (the static
# reference of bench/http_load.py and `nginx -t` of deploy/) and wrk (the load benchmark).
set -euo pipefail

want=(fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 fontconfig)
if [ "${1:-run}" = "test" ]; then
    want+=(postgresql postgresql-common chromium poppler-utils redis-server nginx-light wrk)
    # openssl: a throwaway certificate for `nginx -t` of deploy/; procps: pgrep in tests/ops.
    want+=(openssl procps)
fi
# npm installs axe-core for the accessibility tests (any Node.js that brings npm will do).
if [ "${1:-run}" = "test" ] && ! command -v npm >/dev/null; then
    want+=(npm)
fi
# Debian's python3 needs python3-venv for `python3 -m venv`; pyenv or python.org builds do not.
if ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
    want+=(python3-venv)
fi

missing=()
for package in "${want[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
    [ "$status" = "installed" ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing Debian packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
