"""The Excel add-in built from the xlwings ribbon template: a valid package whose ribbon
button calls a macro that exists and imports the module sheetops provides."""

from __future__ import annotations

import importlib
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

import xlwings  # noqa: E402,F401  (a dev dependency: missing must fail, not skip)
from oletools import olevba  # noqa: E402

from sheetops.excel.addin import (  # noqa: E402
    ADDIN_NAME, CONFIG_SHEET, RIBBON_CALLBACK, addin_config, build_addin, install_instructions, template_path,
)

UI = "{http://schemas.microsoft.com/office/2006/01/customui}"
WIN_PYTHON = r"C:\Users\mia\AppData\Local\Programs\Python\Python312\python.exe"


@pytest.fixture(scope="module")
def addin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_addin(tmp_path_factory.mktemp("addin"), interpreter=WIN_PYTHON, platform="win")


def _macros(path: Path) -> dict[str, str]:
    parser = olevba.VBA_Parser(str(path))
    try:
        return {name: code for (_f, _s, name, code) in parser.extract_macros()}
    finally:
        parser.close()


def test_is_a_valid_zip_with_the_template_parts(addin: Path) -> None:
    assert addin.name == ADDIN_NAME
    with zipfile.ZipFile(addin) as z, zipfile.ZipFile(template_path()) as t:
        assert z.testzip() is None
        assert set(z.namelist()) == set(t.namelist())
        assert z.read("xl/vbaProject.bin") == t.read("xl/vbaProject.bin"), "the VBA project is carried over untouched"
        for part in z.namelist():
            if part.endswith((".xml", ".rels")):
                ET.fromstring(z.read(part))  # every XML part is well-formed
        types = z.read("[Content_Types].xml").decode()
        assert "application/vnd.ms-excel.addin.macroEnabled.main+xml" in types


def test_ribbon_has_a_sheetops_tab_with_a_large_run_button(addin: Path) -> None:
    with zipfile.ZipFile(addin) as z:
        ui = ET.fromstring(z.read("customUI/customUI.xml"))
        rels = z.read("_rels/.rels").decode()
    assert 'Target="customUI/customUI.xml"' in rels, "Excel finds the ribbon through the package relationships"
    tabs = ui.findall(f".//{UI}tab")
    assert [t.get("label") for t in tabs] == ["SheetOps"]
    buttons = tabs[0].findall(f".//{UI}button")
    assert len(buttons) == 1
    run = buttons[0]
    assert run.get("label") == "Run" and run.get("size") == "large"
    assert run.get("onAction") == RIBBON_CALLBACK


def test_the_button_callback_exists_in_the_vba_and_runs_the_module_named_by_the_file(addin: Path) -> None:
    macros = _macros(addin)
    assert {"RibbonMyAddin.bas", "xlwings.bas"} <= set(macros)
    module, sub = RIBBON_CALLBACK.split(".")
    code = macros[f"{module}.bas"]
    assert re.search(rf"^Sub {sub}\(control As IRibbonControl\)", code, re.M)
    # the callback imports the add-in's file name (without extension) and calls main()
    assert 'RunPython "import " & mymodule & ";" & mymodule & ".main()"' in code
    assert "InStrRev(ThisWorkbook.Name" in code
    module_name = addin.name.rsplit(".", 1)[0]
    assert module_name == "sheetops.excel"
    assert callable(importlib.import_module(module_name).main)
    assert 'Public Const PROJECT_NAME As String = "myaddin"' in macros["xlwings.bas"]
    assert "PROJECT_NAME & \".conf\"" in macros["xlwings.bas"]


def test_config_sheet_is_active_and_holds_the_interpreter(addin: Path) -> None:
    assert addin_config(addin) == {"Interpreter_Win": WIN_PYTHON}
    with zipfile.ZipFile(addin) as z:
        workbook = z.read("xl/workbook.xml").decode()
        core = z.read("docProps/core.xml").decode()
    assert f'<sheet name="{CONFIG_SHEET}"' in workbook, "the VBA reads the sheet named PROJECT_NAME.conf"
    assert "felix" not in workbook.lower()
    assert "<dc:title>SheetOps</dc:title>" in core


def test_without_an_interpreter_the_config_sheet_stays_inactive(tmp_path: Path) -> None:
    path = build_addin(tmp_path, interpreter=None)
    assert addin_config(path) == {}
    with zipfile.ZipFile(path) as z:
        assert '<sheet name="_myaddin.conf"' in z.read("xl/workbook.xml").decode()


def test_mac_interpreter_and_pythonpath_with_xml_characters(tmp_path: Path) -> None:
    path = build_addin(tmp_path, interpreter="/Users/mia/.venvs/a&b <x>/bin/python", platform="mac", pythonpath="/opt/shop")
    assert addin_config(path) == {"Interpreter_Mac": "/Users/mia/.venvs/a&b <x>/bin/python", "PYTHONPATH": "/opt/shop"}


def test_rebuilding_replaces_the_file(tmp_path: Path) -> None:
    first = build_addin(tmp_path, interpreter=None)
    second = build_addin(tmp_path, interpreter=WIN_PYTHON, platform="win")
    assert first == second and addin_config(second)
    assert sorted(p.name for p in tmp_path.iterdir()) == [ADDIN_NAME]


def test_install_instructions_name_the_file_the_python_and_the_unblock_steps(addin: Path) -> None:
    text = install_instructions(addin)
    assert str(addin.resolve()) in text and WIN_PYTHON in text
    assert "File > Options > Add-ins" in text and "Unblock" in text and "com.apple.quarantine" in text
    assert "xlwings runpython install" in text and "SheetOps > Run" in text
