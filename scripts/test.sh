#!/usr/bin/env bash
# The whole test suite, from nothing: sets up, then runs pytest. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --system
export SHEETOPS_REQUIRE_LIBREOFFICE=1  # installed above: a missing LibreOffice fails, never skips
exec .venv/bin/python -m pytest -n 2 -q "$@"
