"""Build the folder that ``gcloud functions deploy --source=OUT`` uploads.

``python -m sheetops.cloud build-source OUT`` (from a SheetOps checkout) writes:

- ``main.py``: a copy of ``functions/main.py`` (the three thin doors);
- ``sheetops/``: this very package, vendored beside ``main.py`` (Cloud Functions puts the
  source folder on the import path: Google's "package local dependencies"), so the deployed
  code is exactly the code built here; ``sheetops/testing`` and caches are left out;
- ``requirements.txt``: ``functions-framework`` and every dependency of ``pyproject.toml``,
  pinned to the versions installed where the build ran (the versions the tests ran with);
- ``.gcloudignore``: keeps caches out of the upload.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from importlib import metadata
from pathlib import Path

from .. import __version__
from ..errors import BadArguments

PACKAGE = Path(__file__).resolve().parents[1]
ROOT = PACKAGE.parents[1]
LEFT_OUT = ("__pycache__", "*.pyc", "*.pyo", "testing")
GCLOUDIGNORE = """\
# Uploaded by 'gcloud functions deploy --source=.'; built by 'python -m sheetops.cloud build-source'.
.gcloudignore
__pycache__/
*.pyc
*.pyo
.git/
.venv/
"""


def pinned(requirement: str) -> str:
    """``name==installed version`` for a requirement, or the requirement as written when
    the package is not installed here."""
    name = re.split(r"[\s<>=!~;\[]", requirement.strip(), maxsplit=1)[0]
    try:
        return f"{name}=={metadata.version(name)}"
    except metadata.PackageNotFoundError:
        return requirement.strip()


def requirements(root: Path = ROOT) -> list[str]:
    """The lines of ``requirements.txt``: functions-framework and the project's dependencies."""
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    deps = [d for d in project["dependencies"] if not d.lower().startswith("functions-framework")]
    return [pinned("functions-framework>=3.5")] + [pinned(d) for d in deps]


def build_source(out: Path, *, force: bool = False, root: Path = ROOT) -> Path:
    """Write the deployable folder ``out`` (see the module doc) and return it.

    Refuses a folder that exists and is not empty, unless ``force`` (then it is replaced)."""
    main = root / "functions" / "main.py"
    if not main.is_file() or not (root / "pyproject.toml").is_file():
        raise BadArguments("build-source runs from a SheetOps source checkout (it needs functions/main.py "
                           "and pyproject.toml); clone the project and run it there.")
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        if not force:
            raise BadArguments(f"{out} is not empty; choose a new folder, or add --force to replace it.")
        if (out / "main.py").exists() and (out / "sheetops").is_dir():
            shutil.rmtree(out)
        else:
            raise BadArguments(f"{out} does not look like a folder build-source made; remove it by hand.")
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy2(main, out / "main.py")
    shutil.copytree(PACKAGE, out / "sheetops", ignore=shutil.ignore_patterns(*LEFT_OUT))
    header = f"# SheetOps {__version__} is vendored in ./sheetops; these are its dependencies, pinned.\n"
    (out / "requirements.txt").write_text(header + "\n".join(requirements(root)) + "\n", encoding="utf-8")
    (out / ".gcloudignore").write_text(GCLOUDIGNORE, encoding="utf-8")
    return out
