"""Probability templates: chance words, probabilities as fractions, expected frequency."""

from __future__ import annotations

import random
from fractions import Fraction

from app.itembank.demo.common import NAMES, Draft, frac, listing, p, pick, template

CHANCE_WORDS = ("impossible", "unlikely", "even chance", "likely", "certain")
COLOURS = ("red", "blue", "green", "yellow")
DICE_EVENTS = {
    "an even number": (2, 4, 6), "an odd number": (1, 3, 5), "a multiple of 3": (3, 6),
    "a number greater than 4": (5, 6), "a number greater than 2": (3, 4, 5, 6),
    "a number less than 3": (1, 2), "a factor of 6": (1, 2, 3, 6), "a six": (6,),
}


def chance_word(favourable: int, total: int) -> str:
    """Everyday chance word for a probability."""
    if favourable == 0:
        return "impossible"
    if favourable == total:
        return "certain"
    if 2 * favourable == total:
        return "even chance"
    return "likely" if 2 * favourable > total else "unlikely"


def plural(counts: dict[str, int], noun: str) -> str:
    """The noun after a list of counts: singular only when the last count is 1."""
    return noun if list(counts.values())[-1] == 1 else f"{noun}s"


def fraction_html(value: Fraction) -> str:
    """A probability as a MathML fraction in simplest form."""
    return frac(value.numerator, value.denominator)


def _bag(rng: random.Random, colours: int, top: int) -> dict[str, int]:
    return {c: rng.randint(1, top) for c in rng.sample(COLOURS, colours)}


def _chance_bag(rng: random.Random, word: str, colours: int) -> tuple[dict[str, int], str]:
    """Marble counts and a target colour whose chance is described by ``word``."""
    names = rng.sample(COLOURS, colours + 1)
    if word == "impossible":
        return {c: rng.randint(1, 9) for c in names[:colours]}, names[colours]
    if word == "certain":
        return {names[0]: rng.randint(2, 9)}, names[0]
    others = {c: rng.randint(2, 5) for c in names[1:colours]}
    rest = sum(others.values())
    target = {"even chance": rest, "likely": rest + rng.randint(1, 4),
              "unlikely": rng.randint(1, rest - 1)}[word]
    order = [names[0], *others]
    rng.shuffle(order)
    return {c: target if c == names[0] else others[c] for c in order}, names[0]


@template("prob_words", "ST", (2, 3), "unistructural", ("single_choice",), 35,
          {2: "ST2-3", 3: "ST3-3"})
def prob_words(rng: random.Random, level: int, step: int) -> Draft:
    """Describe a chance with a word: impossible, unlikely, even chance, likely, certain."""
    word = pick(rng, CHANCE_WORDS)
    counts, target = _chance_bag(rng, word, 2 if level == 2 else 3)
    answer = chance_word(counts.get(target, 0), sum(counts.values()))
    marbles = listing([f"{n} {c}" for c, n in counts.items()]) + plural(counts, " marble")
    return Draft({"counts": counts, "target": target},
                 p(f"A bag has {marbles}. {pick(rng, NAMES)} takes one without looking.",
                   f"How likely is it that the marble is {target}?"),
                 answer=answer, wrong=rng.sample([w for w in CHANCE_WORDS if w != answer], 3))


@template("prob_fraction", "ST", (4, 5, 6), "multistructural", ("single_choice",), 45,
          {4: "ST4-2", 5: "ST5-3", 6: "ST6-3"})
def prob_fraction(rng: random.Random, level: int, step: int) -> Draft:
    """Probability of one outcome as a fraction (counters in a bag, or a dice event)."""
    if level > 4 and step > 0:
        event = pick(rng, sorted(DICE_EVENTS))
        good = len(DICE_EVENTS[event])
        answer = Fraction(good, 6)
        params: dict = {"kind": "dice", "event": event}
        stem = p(f"A normal dice is rolled. What is the probability of rolling {event}?")
        wrong = [Fraction(1, good + 1), Fraction(good, 5), Fraction(6 - good, 6),
                 Fraction(1, 6) if good > 1 else Fraction(1, 2)]
    else:
        counts = _bag(rng, 3, 9)
        target = pick(rng, sorted(counts))
        total = sum(counts.values())
        answer = Fraction(counts[target], total)
        params = {"kind": "bag", "counts": counts, "target": target}
        bag = listing([f"{n} {c}" for c, n in counts.items()]) + plural(counts, " counter")
        stem = p(f"A bag holds {bag}.",
                 f"One counter is taken without looking. What is the probability that it is"
                 f" {target}?")
        good = counts[target]
        wrong = [Fraction(1, 3), Fraction(good, total - good), Fraction(total - good, total),
                 Fraction(1, good + 1), Fraction(1, total), Fraction(good + 1, total + 1)]
    options = [w for w in dict.fromkeys(wrong) if w != answer and 0 < w < 1]
    return Draft(params, stem, answer=fraction_html(answer),
                 wrong=[fraction_html(w) for w in options[:3]])


@template("prob_compare", "ST", (2, 3, 4), "relational", ("single_choice",), 70,
          {2: "ST2-3", 3: "ST3-3", 4: "ST4-2"})
def prob_compare(rng: random.Random, level: int, step: int) -> Draft:
    """Which bag gives the better chance of red (more red is not always a better chance)."""
    if level == 2:
        total = rng.randint(6, 12)
        ra, rb = rng.sample(range(1, total), 2)
        bags = [(ra, total - ra), (rb, total - rb)]
    elif level == 3:
        bags = [(rng.randint(1, 5), rng.randint(1, 5)), (rng.randint(4, 10), rng.randint(6, 14))]
        rng.shuffle(bags)
    else:
        red, blue, k = rng.randint(1, 5), rng.randint(1, 5), rng.randint(2, 3)
        bags = [(red, blue), (red * k, blue * k + pick(rng, (-1, 0, 1)))]
        rng.shuffle(bags)
    chance = [Fraction(r, r + b) for r, b in bags]
    answer = ("Bag A" if chance[0] > chance[1] else "Bag B" if chance[1] > chance[0] else
              "Both bags give the same chance")
    options = ("Bag A", "Bag B", "Both bags give the same chance",
               "You cannot tell without trying it")
    who = pick(rng, NAMES)
    return Draft({"bags": [list(b) for b in bags]},
                 p(f"Bag A has {bags[0][0]} red and {bags[0][1]} blue"
                   f"{plural({'b': bags[0][1]}, ' marble')}.",
                   f"Bag B has {bags[1][0]} red and {bags[1][1]} blue"
                   f"{plural({'b': bags[1][1]}, ' marble')}.",
                   f"{who} wants to pick a red marble without looking. Which bag gives the"
                   " better chance?"),
                 answer=answer, wrong=[o for o in options if o != answer])


@template("expected_freq", "ST", (4, 5, 6), "relational", ("numeric", "single_choice"), 70,
          {4: "ST4-4", 5: "ST5-3", 6: "ST6-3"})
def expected_freq(rng: random.Random, level: int, step: int) -> Draft:
    """How many times an outcome is expected in a number of trials."""
    if step == 1 and level > 4:
        event = pick(rng, sorted(DICE_EVENTS))
        trials = 6 * rng.randint(5, 40)
        return Draft({"kind": "dice", "event": event, "trials": trials},
                     p(f"A normal dice is rolled {trials} times.",
                       f"About how many times would you expect to roll {event}?"),
                     value=trials * len(DICE_EVENTS[event]) // 6,
                     wrong_values=[trials // 6, len(DICE_EVENTS[event]), trials // 2])
    sections = pick(rng, (4, 5, 8, 10))
    good = rng.randint(1, sections - 1)
    trials = sections * rng.randint(3, 10 * (level - 2))
    return Draft({"kind": "spinner", "sections": sections, "good": good, "trials": trials},
                 p(f"A spinner has {sections} equal sections and {good} of them"
                   f" {'is' if good == 1 else 'are'} red.",
                   f"It is spun {trials} times. About how many times would you expect red?"),
                 value=trials * good // sections,
                 wrong_values=[trials // sections, trials // good,
                               trials - trials * good // sections])


@template("outcomes_count", "ST", (5, 6), "multistructural", ("numeric",), 50,
          {5: "ST5-3", 6: "ST6-3"})
def outcomes_count(rng: random.Random, level: int, step: int) -> Draft:
    """Number of combinations from a menu (two or three choices)."""
    parts = ["kinds of sandwich", "drinks", "pieces of fruit"][: 2 if level == 5 else 3]
    counts = [rng.randint(2, 7) for _ in parts]
    menu = listing([f"{n} {w}" for n, w in zip(counts, parts, strict=True)])
    product = 1
    for n in counts:
        product *= n
    return Draft({"counts": counts},
                 p(f"The school tuck shop lunch deal lets you choose one of each: {menu}.",
                   "How many different lunch deals are possible?"), value=product)


@template("combined_prob", "ST", (6,), "relational", ("single_choice",), 90, {6: "ST6-3"})
def combined_prob(rng: random.Random, level: int, step: int) -> Draft:
    """Probability of two independent events together, or of a total on two dice."""
    if step == 1:
        total = rng.randint(3, 11)
        ways = sum(1 for a in range(1, 7) for b in range(1, 7) if a + b == total)
        answer, params = Fraction(ways, 36), {"kind": "two_dice", "total": total}
        stem = p(f"Two normal dice are rolled. What is the probability that the total is {total}?")
        wrong = [Fraction(1, 11), Fraction(ways, 12), Fraction(1, 6), Fraction(ways + 1, 36)]
    else:
        side, event = pick(rng, ("heads", "tails")), pick(rng, sorted(DICE_EVENTS))
        good = len(DICE_EVENTS[event])
        answer, params = Fraction(good, 12), {"kind": "coin_dice", "side": side, "event": event}
        stem = p(f"A coin is tossed and a normal dice is rolled. What is the probability of"
                 f" getting {side} <strong>and</strong> {event}?")
        wrong = [Fraction(1, 2) + Fraction(good, 6), Fraction(good, 6), Fraction(1, 2),
                 Fraction(good + 1, 12), Fraction(1, 12)]
    options = [w for w in dict.fromkeys(wrong) if w != answer and 0 < w < 1]
    return Draft(params, stem, answer=fraction_html(answer),
                 wrong=[fraction_html(w) for w in options[:3]])
