"""The backend contract suite runs against every backend.

Each backend adds a module ``tests/backends/factory_<name>.py`` with:

- ``make(tmp_path, tabs) -> Workbook``: a new workbook holding ``tabs`` (name -> grid,
  row 0 the header) on that backend;
- ``reopen(workbook) -> Workbook``: a fresh backend object on the same storage, so the
  tests read what was really persisted;
- optionally ``SUPPORTS: set[str]`` naming optional abilities (none yet).

Modules are discovered here, so adding a backend touches no shared file.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from types import ModuleType

import pytest

_HERE = Path(__file__).parent


def _factories() -> dict[str, ModuleType]:
    found: dict[str, ModuleType] = {}
    for info in pkgutil.iter_modules([str(_HERE)]):
        if info.name.startswith("factory_"):
            found[info.name.removeprefix("factory_")] = importlib.import_module(f"tests.backends.{info.name}")
    return dict(sorted(found.items()))


FACTORIES = _factories()


@pytest.fixture(params=list(FACTORIES), ids=list(FACTORIES))
def backend(request: pytest.FixtureRequest) -> ModuleType:
    """The factory module of one backend."""
    return FACTORIES[request.param]
