"""The lines of STYLE.md that keep the code easy to find your way in, held by tests."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "sheetops"
IO_LIBRARIES = {"gspread", "openpyxl", "xlwings", "google", "requests", "python_calamine", "functions_framework",
                "flask", "urllib3", "http", "socket"}
MAY_DO_IO = {"backends", "cloud", "addon", "importers", "testing", "templates", "excel", "demo", "cli.py", "refresh.py",
             "documents.py",
             "progress.py", "__main__.py"}


def _core_modules() -> list[Path]:
    out = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] in MAY_DO_IO or rel.name in MAY_DO_IO:
            continue
        out.append(path)
    return out


@pytest.mark.parametrize("path", _core_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_core_imports_no_io_library(path: Path) -> None:
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        for name in names:
            assert name.split(".")[0] not in IO_LIBRARIES, f"{path.name} imports {name}; the core does no I/O"


def test_modules_stay_small() -> None:
    big = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py") if (n := len(p.read_text().splitlines())) > 500}
    assert not big, f"split these modules (over 500 lines): {big}"


def test_importing_does_no_io_and_needs_no_credentials() -> None:
    code = ("import sys, socket\n"
            "def no(*a, **k): raise SystemExit('network at import time')\n"
            "socket.socket.connect = no\n"
            "import sheetops, sheetops.cli, sheetops.compute, sheetops.backends, sheetops.cloud, sheetops.addon\n"
            "print('ok')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={"PATH": "", "PYTHONPATH": str(PACKAGE.parent)})
    assert out.stdout.strip() == "ok", out.stderr


# --- the package's layers (issue #20): no cycles, arrows only downwards ------------------


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _under_type_checking(tree: ast.AST) -> set[int]:
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            ids.update(id(n) for n in ast.walk(node))
    return ids


def import_graph() -> dict[str, set[str]]:
    """Module -> the SheetOps modules it imports (anywhere in the file, lazily too)."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text())
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        skip = _under_type_checking(tree)
        found: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                if target.split(".")[0] == "sheetops":
                    found |= {f"{target}.{a.name}" if f"{target}.{a.name}" in modules else target for a in node.names}
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name.split(".")[0] == "sheetops"}
        graph[name] = {t for t in found if t != name and t in modules}
    return graph


def layers() -> list[list[str]]:
    """The 'Layers' list of the package docstring: areas per layer, top to bottom."""
    import sheetops

    doc = sheetops.__doc__ or ""
    block = doc.split("Layers (top to bottom):", 1)[1].split("\n\n", 1)[0]
    return [[a.strip() for a in line.split(":", 1)[1].split(",")] for line in block.strip().splitlines()]


def _area(module: str, areas: list[str]) -> str:
    short = module.removeprefix("sheetops").removeprefix(".") or "sheetops"
    matches = [a for a in areas if short == a or short.startswith(a + ".")]
    assert matches, f"{module} is in no layer of the sheetops docstring; add its area there"
    return max(matches, key=len)


def test_no_import_cycles() -> None:
    graph = import_graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    assert not cycles, f"import cycles: {cycles}"


def test_imports_point_down_the_layers() -> None:
    order = layers()
    areas = [a for layer in order for a in layer]
    rank = {a: i for i, layer in enumerate(order) for a in layer}
    wrong = []
    for module, targets in import_graph().items():
        mine = _area(module, areas)
        for target in targets:
            theirs = _area(target, areas)
            if theirs != mine and rank[theirs] <= rank[mine]:
                wrong.append(f"{module} ({mine}) imports {target} ({theirs})")
    assert not wrong, "imports against the direction of the layers:\n" + "\n".join(sorted(wrong))


def test_the_checker_sees_a_cycle_and_an_upward_arrow() -> None:
    """The two tests above can fail: the graph has the edges we know are there."""
    graph = import_graph()
    assert "sheetops.compute" in graph["sheetops.refresh"]  # a lazy import counts
    assert "sheetops.workbook.schema" in graph["sheetops.ledger.payouts"]
    assert "sheetops.compute" not in graph["sheetops.reports.weekly"]  # TYPE_CHECKING does not
    order = layers()
    assert order[0] == ["cli"] and order[-1][0] == "backends.base"


def test_few_modules_at_the_top_and_every_area_says_what_it_is() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 12, top
    for init in PACKAGE.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text())) or ""
        assert len(doc) > 80 and ("May import" in doc or "may import" in doc or init.parent.name in
                                   {"backends", "importers", "cloud", "templates", "testing"}), init
