#!/usr/bin/env bash
# Sets up a fresh machine for this package: the system packages the tests and the demo use
# (redis-server, Debian's Chromium for the docs test, Python 3 with venv and pip for the Python
# package's tests), the Python modules those tests import, then the npm dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
python="${PYTHON:-python3}"
command -v "$python" >/dev/null 2>&1 || missing+=(python3)
# The tests make a virtualenv without pip (the machine's pip installs the wheel into it).
probe="$(mktemp -d)"
"$python" -m venv --without-pip "$probe/venv" >/dev/null 2>&1 || missing+=(python3-venv)
rm -rf "$probe"
"$python" -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
    echo "setup: missing ${missing[*]}; install them with your package manager (Debian: apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -q
  "${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# pydantic >= 2.11 (exclude_if, extra= on validation), pytest and hypothesis: from the index the machine's
# pip is configured with (its first extra-index-url, used as the only index, so that pip never tries the
# public one); with none, or where the system Python is managed by Debian (PEP 668), from Debian instead.
if ! "$python" -c 'import hypothesis, pytest, pydantic, sys; sys.exit(tuple(map(int, pydantic.VERSION.split(".")[:2])) < (2, 11))' 2>/dev/null; then
  echo "setup: installing pydantic, pytest and hypothesis for $python"
  local_index="$("$python" -m pip config get global.extra-index-url 2>/dev/null | awk '{print $1}')" || local_index=""
  { [ -n "$local_index" ] && "$python" -m pip install --quiet --index-url "$local_index" "pydantic>=2.11,<3" pytest hypothesis; } ||
    "${as_root[@]}" apt-get install -y -q --no-install-recommends python3-pydantic python3-pytest python3-hypothesis
fi

npm ci --no-audit --no-fund
