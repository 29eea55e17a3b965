"""Check add-on answers the way Google reads them: every card parsed strictly into
``google.apps.card.v1.Card`` (the google-apps-card package; an unknown or misspelt field
fails), the answer around it against the endpoint interface's response shapes, and the
deployment into the Workspace Add-ons API's ``Deployment`` (google-cloud-gsuiteaddons)."""

from __future__ import annotations

import json
from typing import Any

from google.apps.card_v1.types import Card
from google.cloud.gsuiteaddons_v1.types import Deployment

NAVIGATIONS = {"pushCard", "updateCard", "popCard", "popToRoot", "popToCard"}


def parse_card(card: dict[str, Any]) -> Card:
    return Card.from_json(json.dumps(card), ignore_unknown_fields=False)


def parse_deployment(data: dict[str, Any]) -> Deployment:
    return Deployment.from_json(json.dumps(data), ignore_unknown_fields=False)


def _action(action: dict[str, Any], *, allowed: set[str]) -> list[Card]:
    assert set(action) <= {"navigations", "notification", "link"}, action.keys()
    out = []
    for nav in action.get("navigations", []):
        assert len(nav) == 1 and set(nav) <= allowed, nav.keys()
        (kind, value), = nav.items()
        if kind in ("pushCard", "updateCard"):
            out.append(parse_card(value))
    if "notification" in action:
        assert set(action["notification"]) == {"text"} and isinstance(action["notification"]["text"], str)
    return out


def check_answer(answer: dict[str, Any], *, endpoint: str) -> list[Card]:
    """The cards of a valid answer (homepage/file-scope push, or a button's renderActions)."""
    if set(answer) == {"action"}:
        cards = _action(answer["action"], allowed={"pushCard"})
    else:
        assert set(answer) == {"renderActions"}, answer.keys()
        render = answer["renderActions"]
        assert len(render) == 1 and set(render) <= {"action", "hostAppAction"}, render.keys()
        if "hostAppAction" in render:
            assert render["hostAppAction"] == {"editorAction": {"requestFileScopeForActiveDocument": {}}}
            return []
        cards = _action(render["action"], allowed=NAVIGATIONS)
    for card in cards:  # every button calls this endpoint back with a 'do'
        for section in card.sections:
            for widget in section.widgets:
                for b in widget.button_list.buttons:
                    assert b.on_click.action.function == endpoint
                    assert any(p.key == "do" for p in b.on_click.action.parameters)
    return cards


def card_text(card: Card) -> str:
    """Everything a card says, as one string (for assertions)."""
    parts = [card.header.title, card.header.subtitle]
    for section in card.sections:
        parts.append(section.header)
        for w in section.widgets:
            parts += [w.text_paragraph.text, w.decorated_text.top_label, w.decorated_text.text,
                      w.decorated_text.bottom_label] + [b.text for b in w.button_list.buttons]
    return "\n".join(p for p in parts if p)
