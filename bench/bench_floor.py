"""SheetOps against the I/O floor (issue #21): refresh, unchanged refresh and import, as ratios.

    PYTHONPATH=src .venv/bin/python bench/bench_floor.py [--rounds R] 100000 1000000

Needs the bench-only extras (``pip install -e '.[bench]'``: fastexcel and rustpy-xlsxwriter);
without them it says so and exits 2. They are never runtime dependencies of SheetOps.

For each size N it builds the demo workbook (``sheetops init --demo --orders N --seed 1``) and a
Seller Center affiliate orders CSV of N lines (the generator of ``bench/bench_import.py``), then
runs every measurement in a fresh process of its own, so that each peak memory figure
(``ru_maxrss`` of that process) belongs to that measurement alone. Module imports happen before
the clock starts, in every child alike. Every input file is a fresh copy.

What is timed:

* **SheetOps refresh**: ``sheetops.refresh(copy, as_of="2026-11-18")`` on a new copy of the demo
  workbook (its tool tabs still empty), as a person runs it.
* **Floor refresh**: the same input file, (a) every worksheet read, all rows and all columns,
  with ``fastexcel.read_excel(path).load_sheet(name, eager=True)`` (calamine to Arrow, header on
  the first row) and held in memory, then (b) the tabs a refresh writes written into a new
  ``.xlsx`` by one ``rustpy_xlsxwriter.write_worksheets([(name, DataFrame), ...])`` call (its
  default constant-memory mode, inline strings; a DataFrame per tab was as fast as a list of
  dicts here and is what the library is built for). Those tabs are the tool tabs of
  ``sheetops.workbook.schema.TOOL_TABS`` that the workbook has (for the demo: Payouts,
  Commission Lines, the four GMV tabs, Weekly Report, QBR, Payout Export, Issues, Run Log and
  Ledger; the XML of exactly these sheets is what a refresh changes). Their contents are
  SheetOps's own result: a preparing process reads them back with fastexcel from the copy
  SheetOps refreshed and saves them as Arrow IPC files; the floor process loads those into
  pandas *before* its clock starts (their memory counts in its peak, as SheetOps's results count
  in its own). The floor neither checks nor computes anything, and it does not carry over the
  tabs it did not write (SheetOps copies those parts of the zip as they are, compressed), so the
  floor's file holds only the written tabs.
* **Unchanged refresh**: a second ``sheetops.refresh`` of the copy SheetOps already refreshed,
  nothing edited in between, in a fresh process; compared with the first run, not the floor.
* **SheetOps import**: ``import_files(open_workbook(copy), [csv])`` into a copy of a fresh
  ``sheetops init`` template (empty Orders tab): scanning, parsing and upserting the N lines and
  writing the ``.xlsx``, as ``sheetops import`` does.
* **Floor import**: ``pandas.read_csv(csv, engine="pyarrow")`` and that frame (the export's own
  30 columns, as read) written as an Orders tab into a new ``.xlsx`` by
  ``rustpy_xlsxwriter.write_worksheet``.

``--rounds R`` measures the refresh and the import R times each, SheetOps and the floor taking
turns (each on a fresh copy), and reports the run with the median time of each, with the
fastest and slowest below the table, and the ratio of each round (the two measured one after
the other) with its median: the machine's speed drifts by 20-40 % during a benchmark here
(CPU seconds move with it), so one run each can mislead. With rounds, the table's ratio is
that median of the rounds' ratios.

Targets (issue #21): refresh <= 1.5x the floor's time with peak memory <= 1.3x the floor's;
unchanged refresh <= 0.3x the first run; import <= 2x the floor's time with peak memory
<= 1.5x the floor's. Prints a Markdown table on standard output, one JSON line per
measurement and progress on standard error. The JSON lines also give ``cpu``, the process's
CPU seconds over the timed region (all threads), steadier than wall time on a busy machine.
"""

from __future__ import annotations

import importlib.util
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
AS_OF = "2026-11-18"
EXTRAS = ("fastexcel", "rustpy_xlsxwriter")


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


# --- the children: each runs in a fresh process and prints one JSON line -------------------


def _import_sheetops(*modules: str) -> None:
    """Import what a run loads on first use (pandas, the backend, the engine) before the clock
    starts, as the floor imports its libraries before its own: module imports are excluded on
    both sides."""
    import importlib

    sys.path.insert(0, str(SRC))
    for name in ("pandas", "numpy", "pyarrow", "pyarrow.compute", "python_calamine", "sheetops.backends.xlsx",
                 *modules):
        importlib.import_module(name)


def sheetops_refresh(path: str) -> dict[str, float]:
    _import_sheetops("fastexcel", "sheetops.compute", "sheetops.tool_tabs", "sheetops.unchanged", "sheetops.refresh",
                     "sheetops.late_edits", "sheetops.reports.weekly", "sheetops.reports.qbr", "pyarrow.pandas_compat")
    import sheetops

    t, cpu = time.perf_counter(), time.process_time()
    sheetops.refresh(path, as_of=AS_OF)
    return {"seconds": time.perf_counter() - t, "cpu": time.process_time() - cpu, "peak_mib": _peak_mib()}


def prepare(refreshed: str, folder: str) -> dict[str, float]:
    """Save the tool tabs SheetOps wrote to ``refreshed`` as Arrow IPC files, for the floor to write."""
    sys.path.insert(0, str(SRC))
    import fastexcel
    import pyarrow as pa
    import pyarrow.feather as feather

    from sheetops.workbook.schema import TOOL_TABS

    reader = fastexcel.read_excel(refreshed)
    names = [n for n in reader.sheet_names if n in TOOL_TABS]
    rows = 0
    for i, name in enumerate(names):
        table = pa.Table.from_batches([reader.load_sheet(name, eager=True)])
        feather.write_feather(table, Path(folder) / f"{i:02d}.arrow")
        rows += table.num_rows
    (Path(folder) / "tabs.json").write_text(json.dumps(names))
    return {"tabs": float(len(names)), "rows": float(rows)}


def floor_refresh(path: str, folder: str, out: str) -> dict[str, float]:
    import fastexcel
    import pyarrow.feather as feather
    import rustpy_xlsxwriter

    names = json.loads((Path(folder) / "tabs.json").read_text())
    frames = [(name, feather.read_table(Path(folder) / f"{i:02d}.arrow").to_pandas())
              for i, name in enumerate(names)]

    t, cpu = time.perf_counter(), time.process_time()
    reader = fastexcel.read_excel(path)
    tabs = {name: reader.load_sheet(name, eager=True) for name in reader.sheet_names}
    read = time.perf_counter() - t
    t = time.perf_counter()
    rustpy_xlsxwriter.write_worksheets(frames, out)
    write = time.perf_counter() - t
    cells = sum(batch.num_rows * batch.num_columns for batch in tabs.values())
    return {"seconds": read + write, "cpu": time.process_time() - cpu, "read": read, "write": write,
            "peak_mib": _peak_mib(),
            "cells_read": float(cells), "rows_written": float(sum(len(f) for _, f in frames))}


def sheetops_import(path: str, csv: str) -> dict[str, float]:
    _import_sheetops("pyarrow.csv", "sheetops.importers.run")
    from sheetops.backends import open_workbook
    from sheetops.importers import import_files

    t, cpu = time.perf_counter(), time.process_time()
    result = import_files(open_workbook(path), [Path(csv)])
    return {"seconds": time.perf_counter() - t, "cpu": time.process_time() - cpu, "peak_mib": _peak_mib(),
            "added": float(result.added)}


def floor_import(csv: str, out: str) -> dict[str, float]:
    import pandas as pd
    import rustpy_xlsxwriter

    t, cpu = time.perf_counter(), time.process_time()
    frame = pd.read_csv(csv, engine="pyarrow")
    read = time.perf_counter() - t
    t = time.perf_counter()
    rustpy_xlsxwriter.write_worksheet(frame, out, sheet_name="Orders")
    write = time.perf_counter() - t
    return {"seconds": read + write, "cpu": time.process_time() - cpu, "read": read, "write": write,
            "peak_mib": _peak_mib(),
            "rows": float(len(frame))}


CHILDREN = {f.__name__: f for f in (sheetops_refresh, prepare, floor_refresh, sheetops_import, floor_import)}


# --- the parent ------------------------------------------------------------------------------


def _child(n: int, name: str, *args: Path) -> dict[str, float]:
    t = time.perf_counter()
    done = subprocess.run([sys.executable, __file__, "--child", name, *map(str, args)], capture_output=True,
                          text=True)
    if done.returncode:
        sys.exit(f"{name} {n:,} failed:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(json.dumps({"n": n, "measure": name, **result, "wall_with_startup": time.perf_counter() - t}),
          file=sys.stderr, flush=True)
    return result


def _cli(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "sheetops.cli", *args], check=True, capture_output=True,
                   env={"PYTHONPATH": str(SRC), "PATH": ""})


def _median(runs: list[dict[str, float]]) -> dict[str, Any]:
    """The run with the median time (of an odd number of runs; the lower middle of an even
    one), with the fastest and slowest times of all of them."""
    ranked = sorted(runs, key=lambda r: r["seconds"])
    chosen = dict(ranked[(len(ranked) - 1) // 2])
    chosen["fastest"], chosen["slowest"] = ranked[0]["seconds"], ranked[-1]["seconds"]
    return chosen


def _pairs(ours: list[dict[str, float]], floors: list[dict[str, float]]) -> list[float]:
    """SheetOps/floor of each round, the two measured one after the other: steadier than the
    ratio of the medians when the machine's speed drifts during the benchmark."""
    return sorted(a["seconds"] / b["seconds"] for a, b in zip(ours, floors))


def measure(n: int, tmp: Path, rounds: int = 1) -> dict[str, dict[str, Any]]:
    sys.path.insert(0, str(SRC))  # bench_import imports sheetops
    from bench_import import generate

    demo, template, csv = tmp / "demo.xlsx", tmp / "template.xlsx", tmp / "affiliate_orders.csv"
    t = time.perf_counter()
    _cli("init", str(demo), "--demo", "--orders", str(n), "--seed", "1")
    _cli("init", str(template))
    generate(csv, n)
    print(f"{n:,}: inputs made in {time.perf_counter() - t:.1f} s ({demo.stat().st_size / 2**20:.0f} MiB "
          f"workbook, {csv.stat().st_size / 2**20:.0f} MiB CSV)", file=sys.stderr, flush=True)

    ran = tmp / "sheetops.xlsx"
    shutil.copy(demo, ran)
    r: dict[str, dict[str, Any]] = {"refresh": _child(n, "sheetops_refresh", ran)}
    ours, floors = [r["refresh"]], []
    results = tmp / "results"
    results.mkdir()
    snapshot = tmp / "refreshed-once.xlsx"
    shutil.copy(ran, snapshot)
    _child(n, "prepare", snapshot, results)
    snapshot.unlink()
    floor_in = tmp / "floor-input.xlsx"
    for round_ in range(rounds):  # the two take turns, so a machine that slows down slows both
        if round_:
            again = tmp / "sheetops-again.xlsx"
            shutil.copy(demo, again)
            ours.append(_child(n, "sheetops_refresh", again))
            again.unlink()
        shutil.copy(demo, floor_in)
        floors.append(_child(n, "floor_refresh", floor_in, results, tmp / "floor-refresh.xlsx"))
    r["refresh"], r["floor_refresh"] = _median(ours), _median(floors)
    r["refresh"]["pairs"] = _pairs(ours, floors)
    r["unchanged"] = _child(n, "sheetops_refresh", ran)
    for f in (ran, floor_in, tmp / "floor-refresh.xlsx"):
        f.unlink()
    shutil.rmtree(results)

    imports, floor_imports = [], []
    for _ in range(rounds):
        target = tmp / "import.xlsx"
        shutil.copy(template, target)
        imports.append(_child(n, "sheetops_import", target, csv))
        floor_imports.append(_child(n, "floor_import", csv, tmp / "floor-import.xlsx"))
    r["import"], r["floor_import"] = _median(imports), _median(floor_imports)
    r["import"]["pairs"] = _pairs(imports, floor_imports)
    return r


def _row(work: str, n: int, ours: dict[str, Any], base: dict[str, Any], base_label: str,
         target: str, max_time: float, max_mem: float | None) -> str:
    pairs = ours.get("pairs")  # several rounds: the median of the rounds' own ratios
    ratio = statistics.median(pairs) if isinstance(pairs, list) else ours["seconds"] / base["seconds"]
    mem = ours["peak_mib"] / base["peak_mib"]
    misses = [what for what, bad in (("time", ratio > max_time), ("memory", max_mem is not None and mem > max_mem))
              if bad]
    met = "**yes**" if not misses else "**no** (" + ", ".join(misses) + ")"
    return (f"| {work} | {n:,} | {ours['seconds']:.1f} | {base['seconds']:.1f}{base_label} | {ratio:.2f} | "
            f"{ours['peak_mib']:,.0f} | {base['peak_mib']:,.0f}{base_label} | {mem:.2f} | {target} | {met} |")


def main(sizes: list[int], rounds: int = 1) -> int:
    missing = [m for m in EXTRAS if importlib.util.find_spec(m) is None]
    if missing:
        print(f"bench_floor.py needs the bench-only extras fastexcel and rustpy-xlsxwriter (missing: "
              f"{', '.join(missing)}); install them with: pip install -e '.[bench]'", file=sys.stderr)
        return 2
    lines = ["| work | N | SheetOps s | floor s | ratio | SheetOps peak MiB | floor peak MiB | memory ratio "
             "| target | met? |", "|---|---|---|---|---|---|---|---|---|---|"]
    spreads = []
    for n in sizes:
        with tempfile.TemporaryDirectory() as folder:
            r = measure(n, Path(folder), rounds)
        spreads.append((n, r))
        lines.append(_row("refresh", n, r["refresh"], r["floor_refresh"], "", "≤ 1.5× time, ≤ 1.3× memory",
                          1.5, 1.3))
        lines.append(_row("unchanged refresh", n, r["unchanged"], r["refresh"], " (first run)",
                          "≤ 0.3× first run", 0.3, None))
        lines.append(_row("import", n, r["import"], r["floor_import"], "", "≤ 2× time, ≤ 1.5× memory", 2.0, 1.5))
    print("\n".join(lines))
    if rounds > 1:
        print(f"\nMedians of {rounds} runs each (SheetOps and the floor taking turns); fastest–slowest:")
        for n, r in spreads:
            print(f"- {n:,}: " + "; ".join(f"{k.replace('_', ' ')} {v['fastest']:.1f}–{v['slowest']:.1f} s"
                                          for k, v in r.items() if "fastest" in v))
            for work in ("refresh", "import"):
                pairs = r[work]["pairs"]
                print(f"- {n:,}: {work}, SheetOps/floor round by round: "
                      + ", ".join(f"{x:.2f}" for x in pairs) + f" (median {statistics.median(pairs):.2f})")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(CHILDREN[sys.argv[2]](*sys.argv[3:])))
    else:
        args = sys.argv[1:]
        rounds = 1
        if "--rounds" in args:
            at = args.index("--rounds")
            rounds = int(args[at + 1])
            del args[at:at + 2]
        sys.exit(main([int(a) for a in args] or [100_000], rounds))
