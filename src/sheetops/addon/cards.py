"""Cards and the add-on's answers, as plain dicts in Google's JSON.

A card is a ``google.apps.card.v1.Card`` (``header``, ``sections`` of ``widgets``); the tests
parse every card strictly into that proto. An answer wraps cards the way the endpoint
interface says:

- homepage and file-scope triggers: ``{"action": {"navigations": [{"pushCard": CARD}]}}``;
- a button: ``{"renderActions": {"action": {"navigations": [{"updateCard": CARD}]}}}``;
- asking for the open spreadsheet's file scope:
  ``{"renderActions": {"hostAppAction": {"editorAction": {"requestFileScopeForActiveDocument": {}}}}}``.

Buttons call the endpoint back (``action.function`` is its URL) with ``parameters``
``[{"key": "do", "value": ...}]``, which arrive as ``commonEventObject.parameters``.
"""

from __future__ import annotations

import html
from typing import Any

Card = dict[str, Any]
Widget = dict[str, Any]


def text(words: str) -> Widget:
    """A paragraph; ``words`` is plain text (escaped: a cell may hold ``<``)."""
    return {"textParagraph": {"text": html.escape(words, quote=False)}}


def fact(label: str, value: str, *, bottom: str = "") -> Widget:
    """A labelled line: ``label`` small above, ``value`` below it."""
    out: dict[str, Any] = {"topLabel": html.escape(label, quote=False), "text": html.escape(value, quote=False),
                           "wrapText": True}
    if bottom:
        out["bottomLabel"] = html.escape(bottom, quote=False)
    return {"decoratedText": out}


def link(label: str, value: str, url: str) -> Widget:
    """A labelled line that opens ``url`` (a cell of the spreadsheet) when clicked."""
    widget = fact(label, value)
    widget["decoratedText"]["onClick"] = {"openLink": {"url": url}}
    return widget


def button(label: str, endpoint: str, do: str, **parameters: str) -> dict[str, Any]:
    """A button that calls the add-on back with ``do`` (and more parameters)."""
    params = [{"key": "do", "value": do}] + [{"key": k, "value": v} for k, v in parameters.items()]
    return {"text": label, "onClick": {"action": {"function": endpoint, "parameters": params}}}


def buttons(*items: dict[str, Any]) -> Widget:
    return {"buttonList": {"buttons": list(items)}}


def section(*widgets: Widget, header: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"widgets": list(widgets)}
    if header:
        out["header"] = html.escape(header, quote=False)
    return out


def card(title: str, *sections: dict[str, Any], subtitle: str = "", name: str = "") -> Card:
    head: dict[str, Any] = {"title": title}
    if subtitle:
        head["subtitle"] = subtitle
    out: Card = {"header": head, "sections": [s for s in sections if s["widgets"]]}
    if name:
        out["name"] = name
    return out


def error_card(sentence: str, endpoint: str) -> Card:
    """One plain sentence and a way back; never a traceback."""
    return card("SheetOps", section(text(sentence), buttons(button("Back", endpoint, "home"))) if endpoint
                else section(text(sentence)), name="error")


# -- answers -----------------------------------------------------------------------------


def push(c: Card) -> dict[str, Any]:
    """The answer to a homepage or file-scope trigger: show ``c``."""
    return {"action": {"navigations": [{"pushCard": c}]}}


def update(c: Card, *, notice: str = "") -> dict[str, Any]:
    """The answer to a button: replace the card on show with ``c`` (and a short notice)."""
    action: dict[str, Any] = {"navigations": [{"updateCard": c}]}
    if notice:
        action["notification"] = {"text": notice}
    return {"renderActions": {"action": action}}


def request_file_scope() -> dict[str, Any]:
    """Ask the user to give the add-on access to the open spreadsheet (drive.file)."""
    return {"renderActions": {"hostAppAction": {"editorAction": {"requestFileScopeForActiveDocument": {}}}}}


def cards_in(answer: dict[str, Any]) -> list[Card]:
    """Every card an answer shows (for tests and logs)."""
    action = answer.get("action") or (answer.get("renderActions") or {}).get("action") or {}
    return [c for nav in action.get("navigations", []) for c in nav.values() if isinstance(c, dict)]
