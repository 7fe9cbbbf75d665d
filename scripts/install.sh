#!/usr/bin/env bash
# Set up everything searchsvc needs on a fresh machine, idempotently.
#   scripts/install.sh          the service: a virtualenv in .venv with the package
#   scripts/install.sh --test   also the test tools and Debian's chromium for browser tests
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
extras=""
[ "${1:-}" = "--test" ] && extras="[test]"
stamp=".venv/.installed${extras}"
# An install with the test extras also satisfies a plain one.
[ -z "$extras" ] && [ -f ".venv/.installed[test]" ] && [ ! setup.cfg -nt ".venv/.installed[test]" ] \
  && stamp=".venv/.installed[test]"
if [ ! -f "$stamp" ] || [ setup.cfg -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".${extras}"
  touch "$stamp"
fi

if [ "${1:-}" = "--test" ] && [ ! -x /usr/bin/chromium ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
