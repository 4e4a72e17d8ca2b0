"""The CONDITION mini-language of TestDesign constraint files (a small subset of R).

Supported: comparisons ``==  !=  <  <=  >  >=`` between an attribute and a literal;
``ATTR %in% c(v1, v2, ...)``; ``&`` / ``&&``, ``|`` / ``||``, ``!``; parentheses; numbers and
quoted strings (``"1A"`` or ``'1A'``). A condition that is just an attribute name means "each of
its values" and ``Per Stimulus`` means "for each chosen stimulus"; callers detect both with
:func:`bare_attribute` and :func:`is_per_stimulus` before parsing.

Comparison follows R where it matters: two numbers compare as numbers, anything else compares as
text (so ``LEVEL == "3"`` matches ``3``); a missing value (NA) never matches.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from app.assembly.spec import Value

Predicate = Callable[[Mapping[str, Value]], bool]

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<num>-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|-?\.\d+)
      | (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
      | (?P<op>%in%|==|!=|<=|>=|&&|\|\||[<>&|!(),])
      | (?P<name>[A-Za-z_.][A-Za-z0-9_.]*)
    )""",
    re.VERBOSE,
)
_NAME = re.compile(r"^\s*([A-Za-z_.][A-Za-z0-9_.]*)\s*$")


class ConditionError(ValueError):
    """A condition that cannot be parsed; the message says where and why."""


@dataclass(frozen=True)
class Condition:
    """A parsed condition: the original text, a predicate, and the attributes it reads."""

    text: str
    predicate: Predicate
    attributes: frozenset[str]

    def __call__(self, record: Mapping[str, Value]) -> bool:
        return self.predicate(record)


def bare_attribute(text: str) -> str | None:
    """The attribute name if ``text`` is a bare name (meaning "each of its values"), else None."""
    match = _NAME.match(text or "")
    return match.group(1) if match and match.group(1).upper() not in {"TRUE", "FALSE"} else None


def is_per_stimulus(text: str) -> bool:
    """True for the TestDesign keyword ``Per Stimulus`` (any case and spacing)."""
    return " ".join((text or "").split()).lower() == "per stimulus"


def parse_value(raw: str) -> Value:
    """A CSV cell as a value: ``""``/``NA`` → None, numbers → int/float, otherwise text."""
    text = raw.strip()
    if text == "" or text.upper() == "NA":
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def _is_number(v: Value) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _as_text(v: Value) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def compare(left: Value, op: str, right: Value) -> bool:
    """R-like comparison of an attribute value with a literal; NA never matches."""
    if left is None or right is None:
        return False
    if _is_number(left) and _is_number(right):
        a, b = float(left), float(right)
        return _OPS[op](a, b)
    return _OPS[op](_as_text(left), _as_text(right))


_OPS: dict[str, Callable[[object, object], bool]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,  # type: ignore[operator]
    "<=": lambda a, b: a <= b,  # type: ignore[operator]
    ">": lambda a, b: a > b,  # type: ignore[operator]
    ">=": lambda a, b: a >= b,  # type: ignore[operator]
}


def tokenize(text: str) -> list[tuple[str, str]]:
    """Tokens as ``(kind, text)`` pairs; kind is num, str, op or name."""
    tokens, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise ConditionError(f"unexpected character {text[pos:].strip()[:1]!r} at {pos + 1}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


class _Parser:
    """Recursive descent: or := and ('|' and)*; and := not ('&' not)*; not := '!' not | atom."""

    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.pos = 0
        self.names: set[str] = set()

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ("end", "")

    def take(self, expected: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token[0] == "end" or (expected is not None and token[1] != expected):
            want = f"{expected!r}" if expected else "more input"
            raise ConditionError(f"expected {want} but found {token[1] or 'the end'!r}")
        self.pos += 1
        return token

    def parse(self) -> Predicate:
        pred = self.disjunction()
        if self.peek()[0] != "end":
            raise ConditionError(f"unexpected {self.peek()[1]!r}")
        return pred

    def disjunction(self) -> Predicate:
        parts = [self.conjunction()]
        while self.peek()[1] in ("|", "||"):
            self.take()
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else (lambda r: any(p(r) for p in parts))

    def conjunction(self) -> Predicate:
        parts = [self.negation()]
        while self.peek()[1] in ("&", "&&"):
            self.take()
            parts.append(self.negation())
        return parts[0] if len(parts) == 1 else (lambda r: all(p(r) for p in parts))

    def negation(self) -> Predicate:
        if self.peek()[1] == "!":
            self.take()
            inner = self.negation()
            return lambda r: not inner(r)
        if self.peek()[1] == "(":
            self.take("(")
            inner = self.disjunction()
            self.take(")")
            return inner
        return self.comparison()

    def comparison(self) -> Predicate:
        kind, name = self.take()
        if kind != "name":
            raise ConditionError(f"expected an attribute name but found {name!r}")
        self.names.add(name)
        op = self.take()[1]
        if op == "%in%":
            values = self.vector()
            return lambda r: any(compare(r.get(name), "==", v) for v in values)
        if op not in _OPS:
            raise ConditionError(f"expected a comparison after {name} but found {op!r}")
        value = self.literal()
        return lambda r: compare(r.get(name), op, value)

    def vector(self) -> list[Value]:
        if self.peek() == ("name", "c"):
            self.take()
            self.take("(")
            values = [self.literal()]
            while self.peek()[1] == ",":
                self.take()
                values.append(self.literal())
            self.take(")")
            return values
        return [self.literal()]

    def literal(self) -> Value:
        kind, text = self.take()
        if kind == "num":
            return parse_value(text)
        if kind == "str":
            return text[1:-1].replace('\\"', '"').replace("\\'", "'")
        if kind == "name" and text.upper() in {"TRUE", "FALSE"}:
            return text.upper() == "TRUE"
        raise ConditionError(f"expected a number or a quoted string but found {text!r}")


def parse_condition(text: str) -> Condition:
    """Parse a condition such as ``TYPE == "CR" & CONTENT %in% c(1, 2)``."""
    if not (text or "").strip():
        raise ConditionError("empty condition")
    parser = _Parser(text)
    predicate = parser.parse()
    return Condition(text=text.strip(), predicate=predicate, attributes=frozenset(parser.names))
