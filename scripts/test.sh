#!/usr/bin/env bash
# Install everything (Python packages, Debian's chromium) and run the whole test suite.
#   scripts/test.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh --test
.venv/bin/ruff check searchsvc tests scripts
.venv/bin/mypy  # the files and settings are in pyproject.toml
exec .venv/bin/python -m pytest -q "$@"
