"""Benchmark: what every click pays before and around a refresh (issue #21, start-up).

    .venv/bin/python bench/bench_startup.py [--runs 7] [--orders 2000] [--seed 7] [--src DIR ...]

Times, in a fresh process each, median of ``--runs``:

- ``python -c "import pandas"``: the yardstick (a refresh needs pandas, so this is its floor);
- ``python -c "import sheetops"``: the library's own import (``refresh``, ``RunResult``);
- ``python -m sheetops.cli --help``: the command, before it does anything;
- ``python -m sheetops.cli run COPY``: a whole refresh of the worked example, the workbook
  ``scripts/demo.sh`` makes (``sheetops init --demo --orders 2000 --seed 7``), each run on a
  fresh copy of the same file.

Each ``--src`` is a checkout's ``src`` folder (default: this one's); with several, the runs
take turns (one of each per round), so a busy machine slows them alike; compare a commit
with a ``git worktree`` of another. Bytecode is cached as an installed package has it (in a
temporary ``PYTHONPYCACHEPREFIX``, warmed by one untimed run of each command), so the numbers
do not include compiling the sources. Prints a Markdown table; progress on standard error.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1] / "src"


def commands(scratch: Path) -> dict[str, tuple[list[str], bool]]:
    """Name -> (argv, needs a fresh copy of the workbook)."""
    py = sys.executable
    return {
        "`import pandas` (yardstick)": ([py, "-c", "import pandas"], False),
        "`import sheetops`": ([py, "-c", "import sheetops"], False),
        "`sheetops --help`": ([py, "-m", "sheetops.cli", "--help"], False),
        "`sheetops run` (worked example)": ([py, "-m", "sheetops.cli", "run", str(scratch / "run.xlsx")], True),
    }


def environment(src: Path, pycache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    env["PYTHONPATH"] = str(src)
    return env


def label(src: Path) -> str:
    """The checkout's commit (short hash, + when it has changes not committed), else the folder."""
    git = ["git", "-C", str(src)]
    head = subprocess.run(git + ["rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    if head.returncode:
        return src.parent.name
    dirty = subprocess.run(git + ["status", "--porcelain", "--", "."], capture_output=True, text=True).stdout.strip()
    return head.stdout.strip() + ("+" if dirty else "")


def timed(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    out = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - started
    if out.returncode not in (0, 1):  # 1: the demo data holds Error issues on purpose
        raise SystemExit(f"{' '.join(argv)} failed ({out.returncode}):\n{out.stderr}")
    return seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--orders", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--src", type=Path, action="append", help="a checkout's src folder (repeat to compare)")
    args = ap.parse_args()
    sources = [s.resolve() for s in (args.src or [HERE])]
    with tempfile.TemporaryDirectory(prefix="sheetops-startup-") as tmp:
        scratch, pycache = Path(tmp), Path(tmp) / "pycache"
        demo = scratch / "demo.xlsx"
        subprocess.run([sys.executable, "-m", "sheetops.cli", "init", str(demo), "--demo", "--orders", str(args.orders),
                        "--seed", str(args.seed)], env=environment(sources[0], pycache), check=True,
                       stdout=subprocess.DEVNULL)
        cmds = commands(scratch)
        times: dict[tuple[str, Path], list[float]] = {(name, src): [] for name in cmds for src in sources}
        for round_ in range(args.runs + 1):  # round 0 warms the bytecode cache and is not counted
            for name, (argv, fresh) in cmds.items():
                for src in sources:
                    if fresh:
                        shutil.copyfile(demo, scratch / "run.xlsx")
                    seconds = timed(argv, environment(src, pycache))
                    if round_:
                        times[(name, src)].append(seconds)
            print(f"round {round_}/{args.runs}", file=sys.stderr)
    heads = [label(s) for s in sources]
    print(f"{args.runs} runs each, fresh process each; median seconds (fastest–slowest). Worked example: "
          f"`sheetops init --demo --orders {args.orders} --seed {args.seed}`.\n")
    print("| command | " + " | ".join(heads) + " |")
    print("|---|" + "---|" * len(sources))
    for name in cmds:
        cells = []
        for src in sources:
            t = times[(name, src)]
            cells.append(f"**{statistics.median(t):.2f}** ({min(t):.2f}–{max(t):.2f})")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
