"""Download the Google Sheets API v4 discovery document into the package.

    python scripts/refresh_discovery.py            # writes src/sheetops/testing/data/sheets.v4.json
    python scripts/refresh_discovery.py --check    # only says whether a newer revision exists

The strict local server (``sheetops.testing``) checks every request against this file, so
refresh it when Google changes the API, run the tests (SheetOps' own requests must still
pass), and commit the file with its new revision in the message. It needs network access
to Google (this project's CI and sandboxes have none: run it on a laptop).
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
from pathlib import Path

URL = "https://sheets.googleapis.com/$discovery/rest?version=v4"
TARGET = Path(__file__).resolve().parents[1] / "src" / "sheetops" / "testing" / "data" / "sheets.v4.json"


def fetch(url: str = URL, timeout: float = 30.0) -> dict[str, object]:
    """The live discovery document, parsed."""
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (fixed https URL)
        document: dict[str, object] = json.load(response)
    if document.get("id") != "sheets:v4" or "schemas" not in document:
        raise SystemExit(f"{url} did not answer a Sheets v4 discovery document")
    return document


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report the revisions, change nothing")
    args = parser.parse_args(argv)
    current = json.loads(TARGET.read_text(encoding="utf-8")).get("revision") if TARGET.exists() else None
    document = fetch()
    print(f"vendored revision {current}, Google's revision {document.get('revision')}")
    if args.check or document.get("revision") == current:
        return 0
    TARGET.write_text(json.dumps(document, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
