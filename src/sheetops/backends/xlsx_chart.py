"""Native Excel charts (line, column, bar) on a tool tab.

Each ``ChartSpec`` becomes ``xl/charts/chartN.xml``, placed by one anchor of the tab's
drawing part ``xl/drawings/drawingN.xml``. Series refer to the tab's own cells (so the chart
follows the numbers if a person edits them) and carry a cache of the values, so viewers that
do not recalculate still draw them.
"""

from __future__ import annotations

from typing import Any

from .base import ChartSpec, TabWrite, column_letter
from .grid import out_cell
from .xlsx_package import CT_CHART, CT_DRAWING, REL_CHART, Package, ct_add_override, new_rels_xml, relative, rels_name
from .xlsx_xml import REL_NS, XML_DECL, esc_text, float_text, is_na, sheet_location, split_ref

C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
XDR_NS = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
EMU_PER_CM = 360_000
PALETTE = ("4472C4", "ED7D31", "A5A5A5", "FFC000", "5B9BD5", "70AD47")
"""Series colours when a chart names none (Office's defaults): a file without a theme part
would otherwise leave LibreOffice nothing to fill bars with."""
_CATEGORY_FORMATS = {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm"}


def add_charts(pkg: Package, tab: TabWrite) -> str:
    """Stage the drawing and chart parts of ``tab``; returns the drawing part's name."""
    drawing = pkg.unused_name("xl/drawings/drawing{}.xml")
    anchors: list[str] = []
    rels: list[tuple[str, str, str]] = []
    types = pkg.read("[Content_Types].xml")
    pkg.put(drawing, b"")  # reserve the name before numbering charts
    for i, spec in enumerate(tab.charts, start=1):
        chart = pkg.unused_name("xl/charts/chart{}.xml")
        pkg.put(chart, chart_xml(tab, spec).encode("utf-8"))
        types = ct_add_override(types, chart, CT_CHART)
        rels.append((f"rId{i}", REL_CHART, relative(drawing, chart)))
        anchors.append(_anchor(spec, i))
    types = ct_add_override(types, drawing, CT_DRAWING)
    pkg.put("[Content_Types].xml", types)
    pkg.put(drawing, (f'{XML_DECL}<xdr:wsDr xmlns:xdr="{XDR_NS}" xmlns:a="{A_NS}">{"".join(anchors)}</xdr:wsDr>').encode())
    pkg.put(rels_name(drawing), new_rels_xml(rels))
    return drawing


def _anchor(spec: ChartSpec, i: int) -> str:
    row, col = split_ref(spec.anchor)
    cx, cy = round(spec.width_cm * EMU_PER_CM), round(spec.height_cm * EMU_PER_CM)
    return (
        "<xdr:oneCellAnchor>"
        f"<xdr:from><xdr:col>{col}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
        f'<xdr:ext cx="{cx}" cy="{cy}"/>'
        f'<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="{i + 1}" name="Chart {i}"/>'
        "<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>"
        '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>'
        f'<a:graphic><a:graphicData uri="{C_NS}"><c:chart xmlns:c="{C_NS}" xmlns:r="{REL_NS}" r:id="rId{i}"/>'
        "</a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:oneCellAnchor>"
    )


def chart_xml(tab: TabWrite, spec: ChartSpec) -> str:
    """The chart part of one spec, its series referring to ``tab``'s cells."""
    names = [c.name for c in tab.columns]
    kinds = {c.name: c.kind for c in tab.columns}
    for needed in (spec.categories, *(s.column for s in spec.series)):
        if needed not in names:
            raise ValueError(f"chart {spec.title!r}: tab {tab.name!r} has no column {needed!r}")
    if not 0 <= spec.first_row <= spec.last_row < len(tab.frame):
        raise ValueError(f"chart {spec.title!r}: rows {spec.first_row}..{spec.last_row} are outside the tab")
    offset = 2 if tab.header else 1
    top, bottom = spec.first_row + offset, spec.last_row + offset

    def ref(column: str) -> str:
        letter = column_letter(names.index(column))
        return sheet_location(tab.name, f"${letter}${top}:${letter}${bottom}")

    rows = range(spec.first_row, spec.last_row + 1)
    categories = [_label(out_cell(tab.frame[spec.categories].iloc[r], kinds[spec.categories])) for r in rows]
    series = []
    for idx, s in enumerate(spec.series):
        values = [_number(out_cell(tab.frame[s.column].iloc[r], kinds[s.column])) for r in rows]
        letter = column_letter(names.index(s.column))
        header = sheet_location(tab.name, f"${letter}$1") if tab.header else None
        name = (f"<c:tx><c:strRef><c:f>{esc_text(header)}</c:f>{_str_cache([s.name])}</c:strRef></c:tx>"
                if header else f"<c:tx><c:v>{esc_text(s.name)}</c:v></c:tx>")
        colors = spec.colors or PALETTE
        color = f'<a:solidFill><a:srgbClr val="{colors[idx % len(colors)]}"/></a:solidFill>'
        if spec.kind == "line":
            look = f'<c:spPr><a:ln w="28575" cap="rnd">{color}</a:ln></c:spPr>'
            marker = f'<c:marker><c:symbol val="circle"/><c:size val="5"/><c:spPr>{color}</c:spPr></c:marker>'
        else:
            look, marker = f"<c:spPr>{color}</c:spPr>", '<c:invertIfNegative val="0"/>'
        series.append(
            f'<c:ser><c:idx val="{idx}"/><c:order val="{idx}"/>{name}{look}{marker}'
            f"<c:cat><c:strRef><c:f>{esc_text(ref(spec.categories))}</c:f>{_str_cache(categories)}</c:strRef></c:cat>"
            f"<c:val><c:numRef><c:f>{esc_text(ref(s.column))}</c:f>{_num_cache(values)}</c:numRef></c:val>"
            + ('<c:smooth val="0"/>' if spec.kind == "line" else "") + "</c:ser>"
        )
    if spec.kind == "line":
        plot = f'<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>{"".join(series)}<c:marker val="1"/>'
        plot += '<c:axId val="500001"/><c:axId val="500002"/></c:lineChart>'
    else:
        direction = "bar" if spec.kind == "bar" else "col"
        plot = (f'<c:barChart><c:barDir val="{direction}"/><c:grouping val="clustered"/><c:varyColors val="0"/>'
                f'{"".join(series)}<c:gapWidth val="150"/><c:axId val="500001"/><c:axId val="500002"/></c:barChart>')
    cat_pos, val_pos = ("l", "b") if spec.kind == "bar" else ("b", "l")
    axes = (
        # a bar chart lists its first category at the top, as the table does
        f'<c:catAx><c:axId val="500001"/><c:scaling><c:orientation val="{"maxMin" if spec.kind == "bar" else "minMax"}"/>'
        '</c:scaling><c:delete val="0"/>'
        f'<c:axPos val="{cat_pos}"/><c:numFmt formatCode="{_CATEGORY_FORMATS.get(kinds[spec.categories], "General")}" '
        'sourceLinked="0"/><c:tickLblPos val="nextTo"/><c:crossAx val="500002"/><c:crosses val="autoZero"/><c:auto val="0"/><c:lblAlgn val="ctr"/>'
        '<c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>'
        f'<c:valAx><c:axId val="500002"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/>'
        f'<c:axPos val="{val_pos}"/><c:majorGridlines/><c:numFmt formatCode="General" sourceLinked="1"/>'
        '<c:tickLblPos val="nextTo"/><c:crossAx val="500001"/><c:crosses val="autoZero"/>'
        '<c:crossBetween val="between"/></c:valAx>'
    )
    title = (f'<c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="1200" b="1"/></a:pPr><a:r>'
             f'<a:t>{esc_text(spec.title)}</a:t></a:r></a:p></c:rich></c:tx><c:overlay val="0"/></c:title>')
    return (
        f'{XML_DECL}<c:chartSpace xmlns:c="{C_NS}" xmlns:a="{A_NS}" xmlns:r="{REL_NS}">'
        f'<c:roundedCorners val="0"/><c:chart>{title}<c:autoTitleDeleted val="0"/>'
        f"<c:plotArea><c:layout/>{plot}{axes}</c:plotArea>"
        '<c:legend><c:legendPos val="b"/><c:overlay val="0"/></c:legend>'
        '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>'
    )


def _label(value: Any) -> str:
    if is_na(value):
        return ""
    if hasattr(value, "isoformat"):
        return str(value.isoformat()).replace("T", " ")
    return getattr(value, "text", None) or str(value)


def _number(value: Any) -> float | None:
    if is_na(value) or isinstance(value, bool):
        return None
    return float(value) if isinstance(value, (int, float)) else None


def _str_cache(values: list[str]) -> str:
    points = "".join(f'<c:pt idx="{i}"><c:v>{esc_text(v)}</c:v></c:pt>' for i, v in enumerate(values))
    return f'<c:strCache><c:ptCount val="{len(values)}"/>{points}</c:strCache>'


def _num_cache(values: list[float | None]) -> str:
    points = "".join(
        f'<c:pt idx="{i}"><c:v>{float_text(v)}</c:v></c:pt>' for i, v in enumerate(values) if v is not None
    )
    return f'<c:numCache><c:formatCode>General</c:formatCode><c:ptCount val="{len(values)}"/>{points}</c:numCache>'
