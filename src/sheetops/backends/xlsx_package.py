"""The ``.xlsx`` zip package: read parts, stage replacements, write a new zip.

Only parts the tool changes are ever re-encoded; every other part is copied with its exact
bytes (and compression method). Relationship parts and ``[Content_Types].xml`` are edited
as text, by insertion or removal of single elements, so nothing a writer put there
(unknown elements, attributes, namespace prefixes, extension lists) is lost.
"""

from __future__ import annotations

import functools
import posixpath
import queue
import re
import struct
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator, Union

from ..errors import NotASheetOpsWorkbook
from .xlsx_xml import attrs, esc_attr

Content = Union[bytes, Callable[[], Iterable[bytes]]]
"""A staged part: its bytes, or a function giving them in chunks (large sheets stream)."""

REL_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
REL_WORKSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
REL_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
REL_DRAWING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"
REL_CHART = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
REL_CALC_CHAIN = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_DRAWING = "application/vnd.openxmlformats-officedocument.drawing+xml"
CT_CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)

_REL = re.compile(r"<(?:[\w.-]+:)?Relationship\b[^>]*?/>|<(?:[\w.-]+:)?Relationship\b[^>]*>.*?</(?:[\w.-]+:)?Relationship>", re.S)
_RELS_END = re.compile(r"</(?:[\w.-]+:)?Relationships>\s*$")
_RELS_EMPTY = re.compile(r"<((?:[\w.-]+:)?Relationships)\b([^>]*)/>\s*$")
_TYPES_END = re.compile(r"</(?:[\w.-]+:)?Types>\s*$")


@dataclass(frozen=True)
class Rel:
    """One relationship of a part; ``part`` is the zip name of an internal target."""

    id: str
    type: str
    target: str
    external: bool
    part: str


def rels_name(part: str) -> str:
    """The relationships part of ``part``: xl/workbook.xml -> xl/_rels/workbook.xml.rels;
    the package itself ("") -> _rels/.rels."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def resolve(source_part: str, target: str) -> str:
    """The zip name a relationship target points at, relative to its source part."""
    target = target.split("#", 1)[0]
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    base = posixpath.dirname(source_part)
    return posixpath.normpath(posixpath.join(base, target)).lstrip("/")


def relative(source_part: str, target_part: str) -> str:
    """A relationship target for ``target_part`` from ``source_part``."""
    return posixpath.relpath(target_part, posixpath.dirname(source_part) or ".")


def parse_rels(xml: bytes, source_part: str) -> list[Rel]:
    return list(_parse_rels(xml, source_part))


@functools.lru_cache(maxsize=256)
def _parse_rels(xml: bytes, source_part: str) -> tuple[Rel, ...]:
    """Memoised: staging one plan reads the same few relationship parts again and again
    (every tab's lookup and every reachability walk), and the answer depends on nothing else."""
    out: list[Rel] = []
    for m in _REL.finditer(xml.decode("utf-8")):
        a = attrs(m.group(0).split(">", 1)[0])
        external = a.get("TargetMode", "").lower() == "external"
        target = a.get("Target", "")
        out.append(Rel(a.get("Id", ""), a.get("Type", ""), target, external, "" if external else resolve(source_part, target)))
    return tuple(out)


def new_rels_xml(rels: list[tuple[str, str, str]]) -> bytes:
    """A fresh relationships part from (id, type, target) triples."""
    body = "".join(f'<Relationship Id="{esc_attr(i)}" Type="{esc_attr(t)}" Target="{esc_attr(g)}"/>' for i, t, g in rels)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{body}</Relationships>'
    ).encode()


def add_rel(xml: bytes, rel_type: str, target: str, prefix: str = "rId") -> tuple[bytes, str]:
    """Append one relationship to a relationships part; returns the new part and the Id."""
    text = xml.decode("utf-8")
    used = {attrs(m.group(0)).get("Id") for m in _REL.finditer(text)}
    n = 1
    while f"{prefix}{n}" in used:
        n += 1
    rid = f"{prefix}{n}"
    element = f'<Relationship Id="{rid}" Type="{esc_attr(rel_type)}" Target="{esc_attr(target)}"/>'
    m = _RELS_END.search(text)
    if m:
        text = text[: m.start()] + element + text[m.start():]
    else:
        e = _RELS_EMPTY.search(text)
        if not e:
            raise NotASheetOpsWorkbook("The workbook's relationship parts are damaged; open and save it in Excel, then run again.")
        text = text[: e.start()] + f"<{e.group(1)}{e.group(2)}>{element}</{e.group(1)}>"
    return text.encode("utf-8"), rid


def remove_rels(xml: bytes, ids: set[str]) -> bytes:
    """Drop the relationships with the given Ids, keeping every other byte."""
    text = xml.decode("utf-8")
    return _REL.sub(lambda m: "" if attrs(m.group(0).split(">", 1)[0]).get("Id") in ids else m.group(0), text).encode("utf-8")


def ct_add_override(xml: bytes, part: str, content_type: str) -> bytes:
    text = xml.decode("utf-8")
    name = "/" + part
    if re.search(r'PartName="' + re.escape(esc_attr(name)) + '"', text, re.I):
        return xml
    element = f'<Override PartName="{esc_attr(name)}" ContentType="{esc_attr(content_type)}"/>'
    m = _TYPES_END.search(text)
    if not m:
        raise NotASheetOpsWorkbook("The workbook's [Content_Types].xml is damaged; open and save it in Excel, then run again.")
    return (text[: m.start()] + element + text[m.start():]).encode("utf-8")


def ct_remove_override(xml: bytes, part: str) -> bytes:
    pattern = re.compile(r'<(?:[\w.-]+:)?Override\b[^>]*?PartName="' + re.escape(esc_attr("/" + part)) + r'"[^>]*?/>', re.I)
    return pattern.sub("", xml.decode("utf-8")).encode("utf-8")


class Package:
    """An ``.xlsx``/``.xlsm`` file opened for reading, with staged changes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
            raise NotASheetOpsWorkbook(
                f"{path.name} is not an Excel workbook (it may be damaged, password-protected, or an old .xls); "
                "save it as .xlsx in Excel and run again."
            ) from exc
        self.infos = {i.filename: i for i in self.zip.infolist()}
        self.staged: dict[str, Content] = {}
        self.removed: set[str] = set()
        self._zip_rels: dict[str, bytes] = {}
        """Relationship parts as read from the zip (it does not change while open), kept
        because reachability walks read each of them once per tab staged."""
        self.workbook_part = self._workbook_part()

    def _workbook_part(self) -> str:
        if "_rels/.rels" in self.infos:
            for rel in parse_rels(self.zip.read("_rels/.rels"), ""):
                if rel.type == REL_OFFICE_DOCUMENT and rel.part in self.infos:
                    return rel.part
        if "xl/workbook.xml" in self.infos:
            return "xl/workbook.xml"
        raise NotASheetOpsWorkbook(
            f"{self.path.name} is a zip file but not an Excel workbook; give an .xlsx or .xlsm file saved by Excel, "
            "LibreOffice or SheetOps."
        )

    def close(self) -> None:
        self.zip.close()

    def exists(self, name: str) -> bool:
        return name in self.staged or (name in self.infos and name not in self.removed)

    def read(self, name: str) -> bytes:
        if name in self.staged:
            content = self.staged[name]
            return content if isinstance(content, bytes) else b"".join(content())
        if name in self.removed or name not in self.infos:
            raise KeyError(name)
        return self.zip.read(name)

    def put(self, name: str, content: Content) -> None:
        self.staged[name] = content
        self.removed.discard(name)

    def remove(self, name: str) -> None:
        self.staged.pop(name, None)
        if name in self.infos:
            self.removed.add(name)

    def rels(self, part: str) -> list[Rel]:
        name = rels_name(part)
        if not self.exists(name):
            return []
        if name in self.staged:
            return parse_rels(self.read(name), part)
        data = self._zip_rels.get(name)
        if data is None:
            data = self._zip_rels[name] = self.zip.read(name)
        return parse_rels(data, part)

    def names(self) -> list[str]:
        current = [n for n in self.infos if self.exists(n)]
        return current + [n for n in self.staged if n not in self.infos]

    def unused_name(self, pattern: str) -> str:
        """The first free name of a numbered pattern such as ``xl/charts/chart{}.xml``."""
        n = 1
        while self.exists(pattern.format(n)):
            n += 1
        return pattern.format(n)

    def reachable(self, start: str) -> set[str]:
        """Every internal part reachable through relationships from ``start`` (exclusive)."""
        seen: set[str] = set()
        stack = [start]
        while stack:
            for rel in self.rels(stack.pop()):
                if rel.part and rel.part not in seen and self.exists(rel.part):
                    seen.add(rel.part)
                    stack.append(rel.part)
        return seen

    def drop_unreachable(self, candidates: set[str]) -> list[str]:
        """Remove the candidate parts nothing refers to any more (with their rels and
        content-type overrides); parts still used elsewhere (a shared image) stay."""
        alive = self.reachable("")
        dropped = sorted(c for c in candidates if c not in alive and self.exists(c))
        if not dropped:
            return []
        types = self.read("[Content_Types].xml")
        for name in dropped:
            self.remove(name)
            if self.exists(rels_name(name)):
                self.remove(rels_name(name))
            types = ct_remove_override(types, name)
        self.put("[Content_Types].xml", types)
        return dropped

    def write(self, out: zipfile.ZipFile, last: "tuple[str, Callable[[list[zipfile.ZipInfo]], bytes]] | None" = None) -> None:
        """Every part in its original order (new ones last): staged ones freshly written,
        all others copied byte for byte. ``last`` = (name, make): that part is written at the
        very end, made from the entries written before it (the run state's fingerprint)."""
        for name in self.names():
            if last is not None and name == last[0]:
                continue
            old = self.infos.get(name)
            if name not in self.staged and old is not None:
                _copy_entry(self.zip, old, out)
                continue
            self._write_part(out, name, self.staged[name])
        if last is not None:
            self._write_part(out, last[0], last[1](out.infolist()))

    def _write_part(self, out: zipfile.ZipFile, name: str, content: Content) -> None:
        old = self.infos.get(name)
        info = zipfile.ZipInfo(name, old.date_time if old else FIXED_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        at_level(info, out)
        with out.open(info, "w") as sink:
            for chunk in [content] if isinstance(content, bytes) else ahead(content()):
                sink.write(chunk)


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


_DONE = object()


def ahead(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """``chunks``, made one chunk ahead in a second thread: a large tab's next chunk of XML is
    built (Arrow compute, which releases the GIL) while this thread deflates the last one (zlib,
    which releases it too), so the two cores share the write. At most two chunks wait in memory.
    An error in the maker is raised here; if the writer stops early, the maker stops too."""
    slot: queue.Queue[object] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def offer(item: object) -> bool:
        """Hand ``item`` to the writer; False once the writer has stopped."""
        while not stop.is_set():
            try:
                slot.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def make() -> None:
        try:
            for chunk in chunks:
                if not offer(chunk):
                    return
            item: object = _DONE
        except BaseException as exc:  # handed to the writer, which raises it
            item = _Failed(exc)
        offer(item)

    maker = threading.Thread(target=make, name="sheetops-xml", daemon=True)
    maker.start()
    try:
        while True:
            item = slot.get()
            if item is _DONE:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        maker.join()


def _copy_entry(source: zipfile.ZipFile, info: zipfile.ZipInfo, out: zipfile.ZipFile) -> None:
    """Copy one part unchanged: its compressed bytes as they are when possible (fast, and
    exactly the same data), else by decompressing and compressing again."""
    if not _copy_raw(source, info, out):
        _copy_recompressed(source, info, out)


def at_level(info: zipfile.ZipInfo, out: zipfile.ZipFile) -> None:
    """Give ``info`` the deflate level of ``out``. ``ZipFile.open(info, "w")`` does not: an
    entry opened with its own ``ZipInfo`` is deflated at zlib's default level 6, whatever
    ``compresslevel`` the ``ZipFile`` was made with (only ``write``/``writestr`` and
    ``open(name)`` pass it on). Python 3.13 names the attribute ``compress_level``."""
    setattr(info, "compress_level" if hasattr(zipfile.ZipInfo, "compress_level") else "_compresslevel",
            out.compresslevel)


def _copy_raw(source: zipfile.ZipFile, info: zipfile.ZipInfo, out: zipfile.ZipFile) -> bool:
    """Copy the stored (compressed) bytes of an entry. This uses zipfile's writer state
    (``start_dir``, ``_writecheck``, ``_didModify``) the way ``ZipFile.open(mode="w")``
    does; when those are missing (another Python), the caller falls back."""
    if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return False
    writer: Any = out  # zipfile's writer state is private; checked, not assumed
    if not all(hasattr(writer, a) for a in ("start_dir", "_writecheck", "_didModify")) or not writer.fp or not source.fp:
        return False
    src = source.fp
    src.seek(info.header_offset)
    header = src.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        return False
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    clone = zipfile.ZipInfo(info.filename, info.date_time)
    clone.compress_type = info.compress_type
    clone.external_attr = info.external_attr
    clone.comment = info.comment
    clone.CRC, clone.compress_size, clone.file_size = info.CRC, info.compress_size, info.file_size
    zip64 = clone.file_size > zipfile.ZIP64_LIMIT or clone.compress_size > zipfile.ZIP64_LIMIT
    writer.fp.seek(writer.start_dir)
    clone.header_offset = writer.fp.tell()
    writer._writecheck(clone)
    writer._didModify = True
    writer.fp.write(clone.FileHeader(zip64))
    src.seek(info.header_offset + 30 + name_len + extra_len)
    left = info.compress_size
    while left:
        chunk = src.read(min(left, 1 << 22))
        if not chunk:
            raise zipfile.BadZipFile(f"{info.filename} is truncated")
        writer.fp.write(chunk)
        left -= len(chunk)
    writer.filelist.append(clone)
    writer.NameToInfo[clone.filename] = clone
    writer.start_dir = writer.fp.tell()
    return True


def _copy_recompressed(source: zipfile.ZipFile, info: zipfile.ZipInfo, out: zipfile.ZipFile) -> None:
    clone = zipfile.ZipInfo(info.filename, info.date_time)
    clone.compress_type = info.compress_type if info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) else zipfile.ZIP_DEFLATED
    clone.external_attr = info.external_attr
    clone.comment = info.comment
    clone.file_size = info.file_size
    at_level(clone, out)
    with source.open(info) as src, out.open(clone, "w") as sink:
        for chunk in _chunks(src):
            sink.write(chunk)


def _chunks(stream: IO[bytes], size: int = 1 << 22) -> Iterator[bytes]:
    while True:
        chunk = stream.read(size)
        if not chunk:
            return
        yield chunk
