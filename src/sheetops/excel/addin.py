"""Build the SheetOps Excel add-in (``sheetops.excel.xlam``) from the xlwings ribbon template.

The open-source xlwings package ships ``quickstart_addin_ribbon.xlam``; ``xlwings quickstart
NAME --addin --ribbon`` does nothing more than copy it. We copy it the same way, in
process, and change only its XML parts (no third-party binary is kept in this repository,
and the VBA project ``xl/vbaProject.bin`` is carried over byte for byte):

- ``customUI/customUI.xml``: a ``SheetOps`` ribbon tab with one large ``Run`` button whose
  ``onAction`` is the template's ribbon callback ``RibbonMyAddin.RunMain``;
- the config sheet ``_myaddin.conf`` becomes the active ``myaddin.conf`` holding the Python
  interpreter that built the add-in (``Interpreter_Win`` or ``Interpreter_Mac``), so the
  button runs the Python where sheetops is installed;
- ``docProps/core.xml``: title and description shown in Excel's Add-ins dialog.

Why the file is called ``sheetops.excel.xlam``: the template's VBA callback is
``RunPython "import " & mymodule & ";" & mymodule & ".main()"`` where ``mymodule`` is the
add-in's file name without its last extension, so this name makes the button run
``import sheetops.excel;sheetops.excel.main()``. Renaming the file breaks the button.
The VBA code keeps the template's project name ``myaddin``: its config sheet is
``myaddin.conf`` and its user config file ``%USERPROFILE%\\.myaddin\\myaddin.conf``
(``~/Library/Containers/com.microsoft.Excel/Data/myaddin.conf`` on macOS).
"""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path
from typing import Literal
from xml.sax.saxutils import escape

from ..errors import SheetOpsError

ADDIN_NAME = "sheetops.excel.xlam"
TEMPLATE_NAME = "quickstart_addin_ribbon.xlam"
RIBBON_CALLBACK = "RibbonMyAddin.RunMain"
"""The template's VBA ``Sub RunMain(control As IRibbonControl)`` in module ``RibbonMyAddin``."""
PROJECT_NAME = "myaddin"
"""``PROJECT_NAME`` constant compiled into the template's VBA; names its config sheet/file."""
CONFIG_SHEET = f"{PROJECT_NAME}.conf"
INACTIVE_CONFIG_SHEET = f"_{PROJECT_NAME}.conf"

RIBBON_XML = f"""<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui">
    <ribbon>
        <tabs>
            <tab id="sheetopsTab" label="SheetOps">
                <group id="sheetopsGroup" label="Refresh">
                    <button id="sheetopsRun" label="Run" size="large" onAction="{RIBBON_CALLBACK}"
                        imageMso="RefreshAll" screentip="Run SheetOps"
                        supertip="Reads the tabs you edit, computes commissions and payouts, and rewrites the SheetOps tabs of this workbook. Save the workbook afterwards." />
                </group>
            </tab>
        </tabs>
    </ribbon>
</customUI>
"""

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
Platform = Literal["win", "mac"]


def template_path() -> Path:
    """The ribbon add-in template inside the installed xlwings package."""
    try:
        import xlwings
    except ImportError as exc:
        raise SheetOpsError(
            'Building the Excel add-in needs xlwings; install it with pip install "sheetops[excel]", then try again.'
        ) from exc
    path = Path(xlwings.__file__).parent / TEMPLATE_NAME
    if not path.exists():
        raise SheetOpsError(
            f"This xlwings ({getattr(xlwings, '__version__', '?')}) has no {TEMPLATE_NAME}; "
            'upgrade it with pip install -U "sheetops[excel]", then try again.'
        )
    return path


def build_addin(
    out_dir: Path,
    *,
    interpreter: str | None | Literal["auto"] = "auto",
    pythonpath: str | None = None,
    platform: Platform | None = None,
    template: Path | None = None,
) -> Path:
    """Write ``out_dir/sheetops.excel.xlam`` and return its path.

    ``interpreter`` is the Python the button runs: ``"auto"`` (default) is the Python
    running this build on Windows or macOS, and nothing elsewhere; ``None`` leaves it to
    the user's ``myaddin.conf`` file (else ``python`` on PATH). ``platform`` ("win"/"mac")
    says which config key it fills (default: this computer's). ``pythonpath`` is optional
    and only needed when sheetops is not installed into that Python.

    >>> build_addin(Path("dist"))                       # doctest: +SKIP
    PosixPath('dist/sheetops.excel.xlam')
    """
    platform = platform or ("mac" if sys.platform == "darwin" else "win" if sys.platform.startswith("win") else None)
    if interpreter == "auto":
        interpreter = sys.executable if platform is not None and sys.platform[:3] in ("win", "dar") else None
    config: list[tuple[str, str]] = []
    if interpreter:
        config.append((f"Interpreter_{'Mac' if platform == 'mac' else 'Win'}", interpreter))
    if pythonpath:
        config.append(("PYTHONPATH", pythonpath))
    source = template or template_path()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / ADDIN_NAME
    partial = target.with_name(target.name + ".part")
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        for required in ("customUI/customUI.xml", "xl/workbook.xml", "xl/vbaProject.bin", "xl/worksheets/sheet1.xml"):
            if required not in names:
                raise SheetOpsError(f"The xlwings add-in template has no {required}; reinstall xlwings, then try again.")
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info, _rewritten(info.filename, data, config), compress_type=zipfile.ZIP_DEFLATED)
    partial.replace(target)
    return target


def _rewritten(part: str, data: bytes, config: list[tuple[str, str]]) -> bytes:
    if part == "customUI/customUI.xml":
        return RIBBON_XML.encode("utf-8")
    if part == "docProps/core.xml":
        text = data.decode("utf-8")
        text = re.sub(r"<dc:title\s*/>|<dc:title>.*?</dc:title>", "<dc:title>SheetOps</dc:title>", text)
        text = re.sub(
            r"<dc:description\s*/>|<dc:description>.*?</dc:description>",
            "<dc:description>Adds the SheetOps tab: Run refreshes the open workbook.</dc:description>",
            text,
        )
        return text.encode("utf-8")
    if not config:
        return data
    if part == "xl/workbook.xml":
        text = data.decode("utf-8")
        text = text.replace(f'name="{INACTIVE_CONFIG_SHEET}"', f'name="{CONFIG_SHEET}"')
        text = re.sub(r"<mc:AlternateContent.*?</mc:AlternateContent>", "", text, flags=re.S)  # template author's path
        return text.encode("utf-8")
    if part == "xl/worksheets/sheet1.xml":
        return _config_sheet_xml(data.decode("utf-8"), config).encode("utf-8")
    if part == "xl/sharedStrings.xml":
        strings = [s for pair in config for s in pair]
        items = "".join(f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in strings)
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<sst xmlns="{_MAIN_NS}" count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'
        ).encode("utf-8")
    return data


def _config_sheet_xml(template_xml: str, config: list[tuple[str, str]]) -> str:
    """The config sheet with one ``key | value`` row per setting, from A1 down (the VBA reads
    A1 down to the first blank). Strings index the rewritten shared strings, in order."""
    rows = "".join(
        f'<row r="{i}"><c r="A{i}" t="s"><v>{2 * (i - 1)}</v></c><c r="B{i}" t="s"><v>{2 * (i - 1) + 1}</v></c></row>'
        for i in range(1, len(config) + 1)
    )
    text = re.sub(r"<sheetData>.*?</sheetData>|<sheetData\s*/>", f"<sheetData>{rows}</sheetData>", template_xml, flags=re.S)
    text = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="A1:B{len(config)}" />', text)
    return re.sub(r'<col min="2" max="2" width="[^"]*"', '<col min="2" max="2" width="60"', text)


def addin_config(path: Path) -> dict[str, str]:
    """The settings in a built add-in's active config sheet (empty when it has none)."""
    with zipfile.ZipFile(path) as z:
        if f'name="{CONFIG_SHEET}"' not in z.read("xl/workbook.xml").decode("utf-8"):
            return {}
        strings = re.findall(r"<t[^>]*>(.*?)</t>", z.read("xl/sharedStrings.xml").decode("utf-8"), re.S)
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    cells = dict(re.findall(r'<c r="([A-Z]+\d+)" t="s"><v>(\d+)</v></c>', sheet))
    config: dict[str, str] = {}
    row = 1
    while f"A{row}" in cells:
        key = _unescape(strings[int(cells[f"A{row}"])])
        config[key] = _unescape(strings[int(cells[f"B{row}"])]) if f"B{row}" in cells else ""
        row += 1
    return config


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


def install_instructions(path: Path) -> str:
    """What ``sheetops excel-addin`` prints after building ``path`` (plain text)."""
    path = Path(path).resolve()
    config = addin_config(path)
    python = next((v for k, v in config.items() if k.lower().startswith("interpreter")), None)
    python_line = (
        f"The Run button will use this Python: {python}"
        if python
        else "No Python was set in the add-in: the button uses the python on PATH, or the "
        f"Interpreter_Win / Interpreter_Mac line of %USERPROFILE%\\.{PROJECT_NAME}\\{CONFIG_SHEET} "
        f"(macOS: ~/Library/Containers/com.microsoft.Excel/Data/{CONFIG_SHEET})."
    )
    return "\n".join([
        f"Built the SheetOps Excel add-in: {path}",
        "",
        "Install it once:",
        "  Windows: Excel > File > Options > Add-ins > Manage: Excel Add-ins > Go... > Browse...,",
        f"           pick {path.name}, make sure it is ticked, then OK.",
        "  macOS:   Excel > Tools > Excel Add-ins... > Browse..., pick the file, tick it, then OK;",
        "           then run this once in Terminal: xlwings runpython install",
        "",
        "If Excel says macros are blocked:",
        f"  Windows: right-click {path.name} > Properties > tick Unblock > OK, then restart Excel.",
        f'  macOS:   xattr -d com.apple.quarantine "{path}"',
        "",
        "Then open your SheetOps workbook and click SheetOps > Run; save the workbook afterwards.",
        python_line,
        f"Keep the file name {ADDIN_NAME}: the button finds its Python code by it.",
        "More help: docs/excel.md",
    ])
