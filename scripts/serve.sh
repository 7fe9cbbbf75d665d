#!/usr/bin/env bash
# Install, index the seed corpus if there is no usable index yet, and serve it.
#   scripts/serve.sh [--host 127.0.0.1] [--port 8000]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
.venv/bin/searchsvc index --if-needed
exec .venv/bin/searchsvc serve "$@"
