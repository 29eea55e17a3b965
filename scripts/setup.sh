#!/usr/bin/env bash
# Set up everything SheetOps needs on a fresh machine: a virtualenv with the package and its
# test tools, and (for the tests) LibreOffice headless and poppler from Debian.
# Safe to run again: it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
want_system="${1:-}"

if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.sheetops-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[dev]"
  touch "$stamp"
fi

if [ "$want_system" = "--system" ]; then
  if ! command -v soffice >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
      echo "Installing LibreOffice headless and poppler (once)..."
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq libreoffice-calc-nogui poppler-utils >/dev/null
    else
      echo "LibreOffice (soffice) and pdftoppm are needed for the end-to-end tests;" >&2
      echo "install libreoffice-calc-nogui and poppler-utils with your package manager." >&2
      exit 2
    fi
  fi
fi
