"""Shared fixtures: the spec's worked examples as workbooks."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

WORKPLACE_SPEC = Path("/work/shared/spec")
"""Where this workplace keeps the product contract, for a clone made anywhere else."""


def _find_spec() -> Path:
    """The spec folder: $SHEETOPS_SPEC, else a ``shared/spec`` beside the checkout or above it
    (the main tree, a worktree below /work/wt), else the workplace's copy."""
    if os.environ.get("SHEETOPS_SPEC"):
        return Path(os.environ["SHEETOPS_SPEC"])
    here = Path(__file__).resolve()
    return next((p / "shared" / "spec" for p in here.parents if (p / "shared" / "spec").is_dir()), WORKPLACE_SPEC)


SPEC = _find_spec()
EXAMPLES = sorted((SPEC / "examples").glob("*.json"))


def pytest_configure(config: pytest.Config) -> None:
    if not EXAMPLES:  # one plain sentence, not dozens of failures that each miss the examples
        pytest.exit(f"The product spec's worked examples were not found in {SPEC / 'examples'}; "
                    "clone beside the shared/ folder or set SHEETOPS_SPEC to the spec folder.", returncode=4)


def load_example(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


@pytest.fixture(params=EXAMPLES, ids=[p.stem for p in EXAMPLES])
def example(request: pytest.FixtureRequest) -> dict[str, Any]:
    return load_example(request.param)
