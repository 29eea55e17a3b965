#!/usr/bin/env bash
# From nothing to a refreshed demo workbook: sets up, writes demo/SheetOps-demo.xlsx with
# realistic data, runs a refresh on it and prints the summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p demo
.venv/bin/sheetops init demo/SheetOps-demo.xlsx --demo --orders "${ORDERS:-2000}" --seed 7 --force
set +e
.venv/bin/sheetops run demo/SheetOps-demo.xlsx
code=$?
set -e
echo
echo "Open demo/SheetOps-demo.xlsx to see Payouts, Commission Lines, the GMV tabs, the report and Issues."
# exit 1 only means the demo data holds Error issues on purpose (bad rows to show the Issues tab)
[ "$code" -le 1 ] || exit "$code"
