"""``python -m sheetops.cloud build-source OUT [--force]``: the folder to deploy."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import SheetOpsError
from .build import build_source


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sheetops.cloud", description="SheetOps cloud functions tools.")
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build-source", help="write the folder that 'gcloud functions deploy --source' uploads")
    build.add_argument("out", type=Path, help="the folder to write (new or empty)")
    build.add_argument("--force", action="store_true", help="replace a folder build-source made before")
    args = parser.parse_args(argv)
    try:
        out = build_source(args.out, force=args.force)
    except SheetOpsError as exc:
        print(f"sheetops: {exc}", file=sys.stderr)
        return 2
    print(f"Wrote {out} (main.py, sheetops/, requirements.txt, .gcloudignore); deploy it with "
          f"gcloud functions deploy ... --source={out} (see functions/README.md).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
