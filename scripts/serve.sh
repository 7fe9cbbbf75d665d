#!/usr/bin/env bash
# Install, index the seed corpus if there is no index yet, and serve it.
#   scripts/serve.sh [--host 127.0.0.1] [--port 8000]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
if [ ! -e "${SEARCHSVC_INDEX:-index}/current" ]; then
  .venv/bin/searchsvc index
fi
exec .venv/bin/searchsvc serve "$@"
