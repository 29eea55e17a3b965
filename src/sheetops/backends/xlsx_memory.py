"""What an ``.xlsx`` file remembers of its last refresh, so an unchanged workbook is not
refreshed again in full (issue #21).

The fingerprint of a workbook is a SHA-256 over the name, CRC-32 and size of every part in
the zip's central directory, except the Run Log's sheet part (every run appends a row to it)
and ``docProps/custom.xml`` (where the fingerprint itself is kept). Reading it costs the
central directory only: no part is decompressed, however large the Orders tab.

The last run's state (fingerprint, as-of date, time zone, code version and the run's result)
is a JSON text kept in custom document properties named ``SheetOps state``,
``SheetOps state 2``, ... (255 characters each, the most Excel shows for one property).
Other custom properties in that part are kept as they are. When Excel or LibreOffice saves
the file, every part is rewritten, so the fingerprint no longer matches and the next run is a
full one: a stale state can only cost time, never skip real work.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from typing import Any, Callable

from .xlsx_package import Package, add_rel, ct_add_override, new_rels_xml, parse_rels
from .xlsx_xml import esc_attr

CUSTOM_PART = "docProps/custom.xml"
REL_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
CT_CUSTOM = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
NS_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
NS_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
PROPERTY = "SheetOps state"
CHUNK = 255

_PROP = re.compile(r"<(?:[\w.-]+:)?property\b[^>]*>.*?</(?:[\w.-]+:)?property>|<(?:[\w.-]+:)?property\b[^>]*/>", re.S)
_NAME = re.compile(r'\bname="([^"]*)"')
_PID = re.compile(r'\bpid="(\d+)"')
_VALUE = re.compile(r"<(?:[\w.-]+:)?lpwstr>(.*?)</(?:[\w.-]+:)?lpwstr>", re.S)
_ROOT = re.compile(r"<([\w.-]+:)?Properties\b[^>]*>")
_OURS = re.compile(re.escape(PROPERTY) + r"(?: (\d+))?$")


def custom_part(pkg: Package) -> str:
    """The package's custom-properties part: the target of its relationship when there is one
    (Excel and LibreOffice name it ``docProps/custom.xml``), else that name."""
    if pkg.exists("_rels/.rels"):
        for rel in parse_rels(pkg.read("_rels/.rels"), ""):
            if rel.type == REL_CUSTOM and rel.part:
                return rel.part
    return CUSTOM_PART


def fingerprint(infos: list[zipfile.ZipInfo], skip: set[str]) -> str:
    """SHA-256 of every part's name, CRC-32 and size but those in ``skip`` (the Run Log's sheet
    part and the custom-properties part, which holds the state)."""
    digest = hashlib.sha256()
    for info in sorted(infos, key=lambda i: i.filename):
        if info.filename in skip:
            continue
        digest.update(f"{info.filename}\0{info.CRC:08x}\0{info.file_size}\n".encode("utf-8"))
    return digest.hexdigest()


def read_state(pkg: Package) -> dict[str, Any] | None:
    """The state the last run kept in the file, or None (none kept, or not readable)."""
    part = custom_part(pkg)
    if not pkg.exists(part):
        return None
    try:
        text = pkg.read(part).decode("utf-8")
    except (KeyError, UnicodeDecodeError, zipfile.BadZipFile):
        return None
    pieces: dict[int, str] = {}
    for m in _PROP.finditer(text):
        name = _NAME.search(m.group(0))
        ours = _OURS.match(_unescape(name.group(1))) if name else None
        value = _VALUE.search(m.group(0))
        if ours and value:
            pieces[int(ours.group(1) or 1)] = _unescape(value.group(1))
    if not pieces:
        return None
    try:
        state = json.loads("".join(pieces[k] for k in sorted(pieces)))
    except ValueError:
        return None
    return state if isinstance(state, dict) else None


def stage_state(pkg: Package) -> None:
    """Make sure the package has a custom-properties part, its relationship and its content
    type, so the state can be written into it last (see ``state_part``)."""
    part = custom_part(pkg)
    if pkg.exists(part):
        return
    if part == CUSTOM_PART:  # no relationship yet (one pointing at a missing part is kept)
        rels = pkg.read("_rels/.rels") if pkg.exists("_rels/.rels") else new_rels_xml([])
        rels, _ = add_rel(rels, REL_CUSTOM, CUSTOM_PART)
        pkg.put("_rels/.rels", rels)
    pkg.put("[Content_Types].xml", ct_add_override(pkg.read("[Content_Types].xml"), part, CT_CUSTOM))
    pkg.put(part, _empty_part())


def state_part(pkg: Package, state: dict[str, Any], skip: set[str], source: str) -> Callable[[list[zipfile.ZipInfo]], bytes]:
    """A function that, given the parts already written, makes the custom-properties part
    holding ``state`` plus the fingerprint of those parts.

    A state carried over by a run that wrote only its Run Log row names the fingerprint it was
    checked against; if the file being replaced (``source``, its fingerprint) no longer has it
    (someone saved the file between the check and the write), the state's result is dropped,
    so the next run is a full one."""
    if state.get("fingerprint") is not None and state["fingerprint"] != source:
        state = dict(state, result=None)
    part = custom_part(pkg)
    old = pkg.read(part).decode("utf-8") if pkg.exists(part) else _empty_part().decode("utf-8")

    def make(written: list[zipfile.ZipInfo]) -> bytes:
        full = dict(state, fingerprint=fingerprint(written, skip))
        # ASCII JSON, and "_x" written as "_\u0078": nothing in it reads as an Excel _xHHHH_ escape
        text = json.dumps(full, separators=(",", ":"), ensure_ascii=True).replace("_x", "_\\u0078")
        return _with_state(old, text).encode("utf-8")

    return make


def _with_state(xml: str, text: str) -> str:
    """``xml`` (a custom-properties part) with our properties replaced by ``text``; every
    other property, and the root element with its namespace declarations, kept as found."""
    root = _ROOT.search(xml)
    if not root or root.group(1):  # unreadable or prefixed root: start afresh (ours alone)
        xml, root = _empty_part().decode("utf-8"), _ROOT.search(_empty_part().decode("utf-8"))
        assert root is not None
    start = root.group(0).rstrip("/>").rstrip() if root.group(0).endswith("/>") else root.group(0)[:-1]
    if not re.search(r"""xmlns:vt\s*=\s*["']""", start):
        start += f' xmlns:vt="{NS_VT}"'
    kept, pids = [], []
    for m in _PROP.finditer(xml):
        name = _NAME.search(m.group(0))
        if name and _OURS.match(_unescape(name.group(1))):
            continue
        kept.append(m.group(0))
        found = _PID.search(m.group(0))
        pids.append(int(found.group(1)) if found else 1)
    first = max(pids, default=1) + 1
    ours = []
    for n, at in enumerate(range(0, max(len(text), 1), CHUNK)):
        label = PROPERTY if n == 0 else f"{PROPERTY} {n + 1}"
        ours.append(f'<property fmtid="{FMTID}" pid="{first + n}" name="{esc_attr(label)}">'
                    f"<vt:lpwstr>{esc_attr(text[at:at + CHUNK])}</vt:lpwstr></property>")
    head = xml[: root.start()]
    return head + start + ">" + "".join(kept) + "".join(ours) + "</Properties>"


def _empty_part() -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Properties xmlns="{NS_CUSTOM}" xmlns:vt="{NS_VT}"></Properties>').encode("utf-8")


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
            .replace("&amp;", "&"))
