"""A deliberately tiny formula evaluator for the local Sheets API server.

The server stores formulas as text and answers ``valueRenderOption=FORMULA`` with that
text. For the other render options it computes only trivial formulas: number and string
literals, ``+ - * / &``, unary minus, parentheses, references to cells of the same
spreadsheet (``B2``, ``'My Tab'!B2``), and the functions ``SUM``, ``MIN``, ``MAX``,
``AVERAGE``, ``COUNT`` (over references and ranges), ``CONCATENATE`` and ``HYPERLINK``
(whose value is its label). Anything else evaluates to the error value ``#NAME?``;
division by zero to ``#DIV/0!``; a reference to a formula cell is evaluated recursively
(cycles give ``#REF!``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sheetops.testing.a1 import A1Error, parse_a1
from sheetops.testing.sheets_values import Formula

if TYPE_CHECKING:
    from sheetops.testing.sheets_state import Sheet, Spreadsheet

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)|(?P<str>\"(?:[^\"]|\"\")*\")"
    r"|(?P<ref>(?:'(?:[^']|'')+'!|[A-Za-z_][A-Za-z0-9_]*!)?\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_.]*)(?=\s*\()|(?P<op>[-+*/&(),]))"
)
_FUNCS = {"SUM", "MIN", "MAX", "AVERAGE", "COUNT", "CONCATENATE", "HYPERLINK"}


class _Fail(Exception):
    def __init__(self, code: str) -> None:
        self.code = code


def evaluate(book: Spreadsheet, sheet: Sheet, text: str, _depth: int = 0) -> Any:
    """The value of a formula (text with the leading ``=``) or an error string."""
    if _depth > 50:
        return "#REF!"
    try:
        tokens = _tokenize(text[1:])
        parser = _Parser(book, sheet, tokens, _depth)
        value = parser.expr()
        if parser.pos != len(tokens):
            raise _Fail("#ERROR!")
        return value[0] if isinstance(value, list) else value
    except _Fail as e:
        return e.code
    except RecursionError:
        return "#REF!"


def _tokenize(text: str) -> list[tuple[str, str]]:
    pos, out = 0, []
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise _Fail("#NAME?")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, book: Spreadsheet, sheet: Sheet, tokens: list[tuple[str, str]], depth: int) -> None:
        self.book, self.sheet, self.tokens, self.pos, self.depth = book, sheet, tokens, 0, depth

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ("", "")

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        self.pos += 1
        return tok

    def expr(self) -> Any:
        left = self.term()
        while self.peek()[1] in ("+", "-", "&"):
            op = self.take()[1]
            right = self.term()
            left = _text(left) + _text(right) if op == "&" else _arith(op, left, right)
        return left

    def term(self) -> Any:
        left = self.unary()
        while self.peek()[1] in ("*", "/"):
            op = self.take()[1]
            left = _arith(op, left, self.unary())
        return left

    def unary(self) -> Any:
        if self.peek()[1] == "-":
            self.take()
            return _arith("-", 0, self.unary())
        if self.peek()[1] == "+":
            self.take()
        return self.atom()

    def atom(self) -> Any:
        kind, text = self.take()
        if kind == "num":
            f = float(text)
            return int(f) if f.is_integer() else f
        if kind == "str":
            return text[1:-1].replace('""', '"')
        if kind == "ref":
            cells = self.cells(text)
            return cells if ":" in text else cells[0]
        if kind == "name":
            return self.call(text.upper())
        if text == "(":
            value = self.expr()
            if self.take()[1] != ")":
                raise _Fail("#ERROR!")
            return value
        raise _Fail("#ERROR!")

    def call(self, name: str) -> Any:
        if self.take()[1] != "(" or name not in _FUNCS:
            raise _Fail("#NAME?")
        args: list[Any] = []
        while self.peek()[1] != ")":
            args.append(self.expr())
            if self.peek()[1] == ",":
                self.take()
            elif self.peek()[1] != ")":
                raise _Fail("#ERROR!")
        self.take()
        if name == "HYPERLINK":
            return _text(args[-1]) if args else ""
        if name == "CONCATENATE":
            return "".join(_text(a) for a in _flat(args))
        nums = [v for v in _flat(args) if isinstance(v, (int, float)) and not isinstance(v, bool)]
        if name == "COUNT":
            return len(nums)
        if name == "SUM":
            return _num(sum(nums))
        if not nums:
            return 0 if name != "AVERAGE" else "#DIV/0!"
        return _num({"MIN": min, "MAX": max}[name](nums) if name != "AVERAGE" else sum(nums) / len(nums))

    def cells(self, ref: str) -> list[Any]:
        try:
            parsed = parse_a1(ref.replace("$", ""))
        except A1Error:
            raise _Fail("#REF!") from None
        sheet = self.sheet if parsed.sheet is None else self.book.sheet_by_title(parsed.sheet)
        if sheet is None or parsed.row1 is None or parsed.col1 is None:
            raise _Fail("#REF!")
        out = []
        for r in range(parsed.row0, parsed.row1):
            for c in range(parsed.col0, parsed.col1):
                v = sheet.value(r, c)
                if type(v) is Formula:
                    v = evaluate(self.book, sheet, v, self.depth + 1)
                out.append(v)
        return out


def _flat(args: list[Any]) -> list[Any]:
    out: list[Any] = []
    for a in args:
        out.extend(a if isinstance(a, list) else [a])
    return out


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _num(v: float) -> int | float:
    return int(v) if isinstance(v, float) and v.is_integer() else v


def _arith(op: str, a: Any, b: Any) -> Any:
    for v in (a, b):
        if isinstance(v, str) and v.startswith("#"):
            raise _Fail(v)
    try:
        x = 0 if a is None else float(a)
        y = 0 if b is None else float(b)
    except (TypeError, ValueError):
        raise _Fail("#VALUE!") from None
    if op == "/" and y == 0:
        raise _Fail("#DIV/0!")
    return _num({"+": x + y, "-": x - y, "*": x * y, "/": x / y if y else 0.0}[op])
