"""Shared fixtures: the spec's worked examples as workbooks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

SPEC = next((p / "shared" / "spec" for p in Path(__file__).resolve().parents if (p / "shared" / "spec").is_dir()),
            Path(__file__).resolve().parents[1].parent / "shared" / "spec")
"""The spec folder: /work/shared/spec, found from the main tree or from a worktree below /work/wt."""
EXAMPLES = sorted((SPEC / "examples").glob("*.json"))


def load_example(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


@pytest.fixture(params=EXAMPLES, ids=[p.stem for p in EXAMPLES])
def example(request: pytest.FixtureRequest) -> dict[str, Any]:
    return load_example(request.param)
