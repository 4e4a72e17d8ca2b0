"""Shared building blocks for the demo maths generators: drafts, templates and HTML helpers.

A *template* is a function ``build(rng, level, step) -> Draft`` registered with
:func:`template`. ``level`` is the curriculum level (2–6) and ``step`` the sublevel within it
(0 = Basic, 1 = Proficient, 2 = Advanced). The draft holds the question once, in every shape the
template supports; :mod:`app.itembank.demo.maths` turns it into a numeric, single-choice,
short-answer or select-all item.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

Params = dict[str, Any]
Number = int | float | Decimal

SURFACE = ("unistructural", "multistructural")
DEEP = ("relational", "extended_abstract")

NAMES = (
    "Aroha", "Tama", "Mere", "Sione", "Priya", "Liam", "Ana", "Wiremu", "Mia", "Hemi",
    "Olivia", "Kahu", "Lucas", "Grace", "Jun", "Losa", "Nikau", "Ruby", "Manaia", "Isla",
    "Rāwiri", "Fetu", "Zoe", "Ariki",
)


def fmt_num(value: Number) -> str:
    """Format a number the way a New Zealand classroom writes it: ``12 500``, ``3.75``, ``−4``."""
    dec = Decimal(str(value)).normalize()
    sign = "−" if dec < 0 else ""
    dec = abs(dec)
    whole = int(dec)
    frac = str(dec - whole)[1:] if dec != whole else ""
    whole_text = f"{whole:,}".replace(",", " ") if whole >= 10_000 else str(whole)
    return f"{sign}{whole_text}{frac}"


CONSONANT_SOUND = ("one", "once", "uni", "use", "usu", "uti", "ure", "eu", "ewe", "u-")
"""Words spelt with a vowel that start with a consonant sound: *a unit*, *a one*, *a euro*."""
VOWEL_SOUND = ("hour", "honest", "honour", "heir")
"""Words spelt with a consonant that start with a vowel sound: *an hour*."""
VOWEL_LETTERS = set("AEFHILMNORSX")
"""Letters whose names start with a vowel sound: *an L-shape*, *an X*."""


def _spoken_with_vowel(number: str) -> bool:
    """Whether a number, said aloud, starts with a vowel sound: 8, 11, 18, 80–89, 800–899,
    8 000, 11 000, … (*an 8 m*, *an 11-sided*), but not 1 800 or 110."""
    digits = number.split(".")[0].replace(" ", "").replace(",", "")
    lead = digits[:len(digits) % 3 or 3]
    return lead.startswith("8") or lead in ("11", "18")


def article(phrase: str) -> str:
    """"a" or "an", whichever ``phrase`` takes: *an equilateral triangle*, *a unit*,
    *an 8 m by 5 m rectangle*, *an L-shape*, *a quarter turn*."""
    word = phrase.lstrip()
    if word[:1].isdigit():
        return "an" if _spoken_with_vowel(word.split()[0]) else "a"
    if word[:1].isupper() and not word[1:2].isalpha():
        return "an" if word[0] in VOWEL_LETTERS else "a"
    lower = word.lower()
    if lower.startswith(CONSONANT_SOUND):
        return "a"
    return "an" if lower[:1] in "aeiou" or lower.startswith(VOWEL_SOUND) else "a"


def with_article(phrase: str, *, start: bool = False) -> str:
    """``phrase`` after its article: ``with_article("equilateral triangle")`` is *an
    equilateral triangle*; ``start`` capitalises the article, to begin a sentence."""
    word = article(phrase)
    return f"{word.capitalize() if start else word} {phrase}"


def fmt_money(value: Number) -> str:
    """Dollars with cents, e.g. ``$4.50``; negative amounts never occur in the demo."""
    return f"${Decimal(str(value)):.2f}"


def listing(parts: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def unit(suffix: str) -> Callable[[Number], str]:
    """A formatter that writes a number followed by a unit, e.g. ``unit("cm")(4) == "4 cm"``."""
    return lambda value: f"{fmt_num(value)} {suffix}" if suffix else fmt_num(value)


def frac(num: int, den: int) -> str:
    """A fraction as MathML."""
    return f"<math><mfrac><mn>{num}</mn><mn>{den}</mn></mfrac></math>"


def p(*sentences: str) -> str:
    """One HTML paragraph from sentences."""
    return f"<p>{' '.join(sentences)}</p>"


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain HTML table with a header row (no attributes; ``tbody`` as sanitisers write it)."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{fmt_num(c) if isinstance(c, int) else c}</td>" for c in row)
        + "</tr>" for row in rows
    )
    return f"<table><tbody><tr>{head}</tr>{body}</tbody></table>"


def coord(x: int, y: int) -> str:
    """A coordinate pair such as ``(3, −2)``."""
    return f"({fmt_num(x)}, {fmt_num(y)})"


def dec(value: str | int | float | Decimal) -> Decimal:
    """Exact decimal arithmetic for money, measures and decimals."""
    return Decimal(str(value))


def dstr(value: Number) -> str:
    """A decimal as plain text for params: ``"350"``, ``"2.45"`` (never ``"3.5E+2"``)."""
    return format(Decimal(str(value)).normalize(), "f")


@dataclass
class Draft:
    """One generated question before it becomes an item.

    ``params`` must hold everything needed to work out the answer again (the content tests
    recompute every key from them). Numeric answers give ``value`` (and ``wrong_values`` built
    from misconceptions, used when the item is single choice); text answers give ``answer``
    and ``wrong``; select-all items give ``choices`` as ``(html, is_correct)`` pairs.
    """

    params: Params
    stem: str
    value: Number | None = None
    wrong_values: Sequence[Number] = ()
    fmt: Callable[[Number], str] = fmt_num
    answer: str = ""
    wrong: Sequence[str] = ()
    accepted: Sequence[str] = ()
    choices: Sequence[tuple[str, bool]] = ()
    tolerance: float = 0.0
    solo: str | None = None


Builder = Callable[[random.Random, int, int], Draft]


@dataclass(frozen=True)
class Template:
    """An item template: which strand, levels and response types it serves, and its builder.

    Its items form one family (``Item.family`` is the template's name) and are enemies — two
    variants of one question give each other away — unless ``enemies`` is false, with the
    reason in ``note``.
    """

    name: str
    strand: str
    levels: tuple[int, ...]
    solo: str
    formats: tuple[str, ...]
    seconds: int
    objectives: dict[int, str]
    build: Builder = field(compare=False)
    enemies: bool = True
    note: str = ""

    @property
    def depth(self) -> str:
        """``surface`` or ``deep``, from the template's SOLO level."""
        return "surface" if self.solo in SURFACE else "deep"


REGISTRY: list[Template] = []


def template(
    name: str, strand: str, levels: Sequence[int], solo: str, formats: Sequence[str],
    seconds: int, objectives: dict[int, str], *, independent: str = "",
) -> Callable[[Builder], Builder]:
    """Register ``build`` as a template; ``objectives`` maps each level to an objective code.

    ``independent`` says why its items do not give each other away (so they may share a
    test); without it they are enemies.
    """
    assert set(levels) == set(objectives), f"{name}: one objective per level"

    def register(build: Builder) -> Builder:
        REGISTRY.append(Template(name, strand, tuple(levels), solo, tuple(formats), seconds,
                                 dict(objectives), build, enemies=not independent,
                                 note=independent))
        return build

    return register


def status(rng: random.Random) -> str:
    """Review status of a new demo item: about 1.5 % draft, 8 % trial, the rest operational."""
    roll = rng.random()
    return "draft" if roll < 0.015 else "trial" if roll < 0.095 else "operational"


class KeyDeck:
    """Right-answer positions for single-choice items: shuffled, yet balanced across A–D."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.decks: dict[int, list[int]] = {}

    def deal(self, n_options: int) -> int:
        """The 0-based position of the key among ``n_options`` options."""
        deck = self.decks.setdefault(n_options, [])
        if not deck:
            deck.extend(range(n_options))
            self.rng.shuffle(deck)
        return deck.pop()


def pick(rng: random.Random, options: Sequence[Any]) -> Any:
    """``rng.choice`` that keeps call sites short."""
    return rng.choice(list(options))
