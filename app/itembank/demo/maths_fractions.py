"""Fraction, decimal, percentage and proportion templates."""

from __future__ import annotations

import random
from math import gcd

from app.itembank.demo.common import (
    NAMES,
    Draft,
    dec,
    dstr,
    fmt_money,
    fmt_num,
    frac,
    p,
    pick,
    template,
    with_article,
)

ANY = ("numeric", "single_choice")
CONTEXTS = (
    ("students in Room 5", "walk to school"), ("kererū in the survey", "were seen in a pūriri"),
    ("players at the rugby club", "play in the forwards"), ("seedlings", "are harakeke"),
    ("people at the kapa haka festival", "came by bus"), ("books in the class library",
                                                           "are about sport"),
)


@template("fraction_of_amount", "NA", (3, 4, 5), "multistructural", ANY, 45,
          {3: "NA3-4", 4: "NA4-3", 5: "NA5-1"})
def fraction_of_amount(rng: random.Random, level: int, step: int) -> Draft:
    """A unit fraction (level 3) or non-unit fraction of a set."""
    den = rng.randint(2, 5) if level == 3 else rng.randint(3, 8) if level == 4 else \
        rng.randint(5, 12)
    num = 1 if level == 3 and step < 2 else rng.randint(2, den - 1) if den > 2 else 1
    while gcd(num, den) != 1:
        num -= 1
    whole = den * rng.randint(3, 12 if level < 5 else 25)
    group, doing = pick(rng, CONTEXTS)
    value = whole * num // den
    wrong = [whole // den, whole // num if whole % num == 0 else whole - value, whole - value,
             value + den]
    return Draft(
        {"num": num, "den": den, "whole": whole},
        p(f"There are {whole} {group}. {frac(num, den)} of them {doing}.",
          f"How many of the {group} {doing}?"),
        value=value, wrong_values=wrong,
    )


@template("equivalent_fractions", "NA", (3, 4, 5), "multistructural", ("multiple_choice",), 60,
          {3: "NA3-4", 4: "NA4-3", 5: "NA5-1"})
def equivalent_fractions(rng: random.Random, level: int, step: int) -> Draft:
    """Select every fraction equal to a given one (wrong ones add the same to top and bottom)."""
    den = rng.randint(3, 6 if level == 3 else 10)
    num = rng.randint(1, den - 1)
    while gcd(num, den) != 1:
        num = rng.randint(1, den - 1)
    n_right = 2 + (level == 5)
    factors = rng.sample(range(2, 7 if level < 5 else 11), n_right)
    right = [(num * f, den * f) for f in factors]
    wrong_pool = [(num + f, den + f) for f in range(1, 8)] + [(num * f, den + f) for f in
                                                               range(2, 6)]
    wrong_pool += [(den, num), (num + 1, den * 2)]
    wrong = [w for w in dict.fromkeys(wrong_pool) if w[0] * den != w[1] * num and w not in right]
    picked = rng.sample(wrong, 5 - n_right)
    return Draft(
        {"num": num, "den": den},
        p(f"Which fractions are <strong>equal</strong> to {frac(num, den)}?",
          "Choose <strong>all</strong> the right answers."),
        choices=[(frac(*f), True) for f in right] + [(frac(*f), False) for f in picked],
    )


@template("simplify_fraction", "NA", (4, 5), "unistructural", ("short_text",), 40,
          {4: "NA4-3", 5: "NA5-1"})
def simplify_fraction(rng: random.Random, level: int, step: int) -> Draft:
    """Write a fraction in its simplest form."""
    den = rng.randint(3, 9 if level == 4 else 12)
    num = rng.randint(1, den - 1)
    while gcd(num, den) != 1:
        num = rng.randint(1, den - 1)
    k = rng.randint(2, 6 if level == 4 else 12)
    return Draft(
        {"num": num * k, "den": den * k},
        p(f"Write {frac(num * k, den * k)} in its simplest form.",
          "Type your answer like this: 3/4"),
        answer=f"{num}/{den}", accepted=[f"{num} / {den}"],
    )


@template("decimal_order", "NA", (4, 5), "unistructural", ("single_choice",), 40,
          {4: "NA4-2", 5: "NA5-3"})
def decimal_order(rng: random.Random, level: int, step: int) -> Draft:
    """Largest or smallest of four decimals whose lengths mislead ('longer is bigger')."""
    whole = 0 if level == 4 else rng.randint(1, 9)
    t = rng.randint(2, 8)
    pool = {f"{whole}.{t}", f"{whole}.{t - 1}{rng.randint(5, 9)}",
            f"{whole}.{t - 1}{rng.randint(1, 9)}{rng.randint(1, 9)}", f"{whole}.0{t}",
            f"{whole}.{t}{rng.randint(1, 9)}", f"{whole}.{t}0{rng.randint(1, 9)}"}
    values = rng.sample(sorted(pool), 4)
    ask = pick(rng, ("largest", "smallest"))
    chosen = max(values, key=dec) if ask == "largest" else min(values, key=dec)
    return Draft({"values": values, "ask": ask},
                 p(f"Which of these numbers is the <strong>{ask}</strong>?"),
                 answer=chosen, wrong=[v for v in values if v != chosen])


@template("decimal_calc", "NA", (4, 5, 6), "multistructural", ("numeric",), 45,
          {4: "NA4-2", 5: "NA5-3", 6: "NA6-2"})
def decimal_calc(rng: random.Random, level: int, step: int) -> Draft:
    """Add or subtract decimals (levels 4–5) or multiply a decimal by a whole number."""
    places = 1 if level == 4 else 2
    a = dec(rng.randint(11, 99 * 10 ** (places - 1) * 5)) / 10**places
    b = dec(rng.randint(11, 99 * 10 ** (places - 1) * 5)) / 10 ** rng.randint(1, places)
    op = pick(rng, "+−") if level < 6 else "×"
    if op == "×":
        b = dec(rng.randint(3, 12))
        value = a * b
    else:
        a, b = max(a, b), min(a, b)
        value = a + b if op == "+" else a - b
    return Draft({"a": dstr(a), "b": dstr(b), "op": op},
                 p(f"Work out {fmt_num(a)} {op} {fmt_num(b)}."), value=value)


@template("percent_of", "NA", (5, 6), "multistructural", ANY, 45,
          {5: "NA5-2", 6: "NA6-1"})
def percent_of(rng: random.Random, level: int, step: int) -> Draft:
    """A percentage of an amount."""
    pct = pick(rng, (10, 20, 25, 50, 5, 75) if level == 5 else (15, 35, 45, 12.5, 2.5, 60))
    whole = rng.randint(2, 40) * (40 if level == 6 else 20)
    value = dec(pct) * whole / 100
    wrong = [dec(pct) * whole / 10, whole - value, dec(whole) / dec(pct) if pct else 0,
             value * 2, whole + pct]
    return Draft({"percent": pct, "whole": whole},
                 p(f"What is {fmt_num(pct)}% of {fmt_num(whole)}?"), value=value,
                 wrong_values=wrong)


@template("percent_change", "NA", (5, 6), "relational", ("single_choice", "numeric"), 70,
          {5: "NA5-2", 6: "NA6-1"})
def percent_change(rng: random.Random, level: int, step: int) -> Draft:
    """Sale price after a discount, or a price after a percentage increase."""
    pct = pick(rng, (10, 20, 25, 30, 50) if level == 5 else (15, 35, 40, 12.5, 5))
    price = rng.randint(3, 40) * (20 if level == 5 else 8)
    direction = "down" if level == 5 or step < 2 else pick(rng, ("down", "up"))
    change = dec(price) * dec(pct) / 100
    value = price - change if direction == "down" else price + change
    thing = pick(rng, ("rain jacket", "pair of sneakers", "skateboard", "tent", "netball"))
    verb = "reduced" if direction == "down" else "increased"
    return Draft(
        {"price": price, "percent": pct, "direction": direction},
        p(f"{with_article(thing, start=True)} costs {fmt_money(price)}."
          f" The price is {verb} by {fmt_num(pct)}%.",
          "What is the new price?"),
        value=value, fmt=fmt_money,
        wrong_values=[change, price - pct if direction == "down" else price + pct,
                      price + change if direction == "down" else price - change,
                      price - 2 * change if direction == "down" else price + 2 * change],
    )


@template("ratio_share", "NA", (5, 6), "relational", ANY, 70, {5: "NA5-1", 6: "NA6-1"})
def ratio_share(rng: random.Random, level: int, step: int) -> Draft:
    """Share an amount in a given ratio."""
    r1, r2 = rng.randint(1, 5), rng.randint(2, 7)
    while r1 == r2 or gcd(r1, r2) != 1:
        r2 = rng.randint(2, 7)
    total = (r1 + r2) * rng.randint(3, 20) * (1 if level == 5 else 5)
    a, b = rng.sample(NAMES, 2)
    value = total * r2 // (r1 + r2)
    return Draft(
        {"total": total, "r1": r1, "r2": r2},
        p(f"{a} and {b} earned ${total} washing cars.",
          f"They share it in the ratio {r1} : {r2} ({a} : {b}).",
          f"How many dollars does {b} get?"),
        value=value, wrong_values=[total - value, total // (r1 + r2), dec(total) / 2,
                                   value + total // (r1 + r2)],
    )


RECIPE_PAIRS = {
    4: ((2, 4), (2, 6), (4, 8), (4, 2), (5, 10), (3, 9), (4, 12)),
    5: ((4, 6), (4, 10), (6, 9), (8, 12), (6, 15), (4, 14), (10, 4)),
    6: ((6, 10), (8, 14), (12, 20), (6, 14), (9, 15), (12, 9), (8, 6), (15, 6)),
}


@template("proportion_recipe", "NA", (4, 5, 6), "relational", ("numeric",), 70,
          {4: "NA4-4", 5: "NA5-1", 6: "NA6-1"})
def proportion_recipe(rng: random.Random, level: int, step: int) -> Draft:
    """Scale a recipe quantity to a new number of people."""
    p1, p2 = pick(rng, RECIPE_PAIRS[level])
    q1 = rng.randint(3, 30) * 5 * p1 // gcd(p1, p2)
    food, what = pick(rng, (("flour", "g"), ("milk", "mL"), ("kūmara", "g"), ("sugar", "g")))
    return Draft(
        {"p1": p1, "q1": q1, "p2": p2},
        p(f"A recipe for {p1} people uses {q1} {what} of {food}.",
          f"How much {food} is needed for {p2} people, in {what}?"),
        value=q1 * p2 // p1,
    )


@template("better_buy", "NA", (5, 6), "relational", ("single_choice",), 75,
          {5: "NA5-1", 6: "NA6-1"})
def better_buy(rng: random.Random, level: int, step: int) -> Draft:
    """Compare unit prices of two packs (the bigger or cheaper pack is not always better)."""
    qa, qb = rng.sample((4, 5, 6, 8, 10, 12), 2)
    ua = rng.randint(40, 95)
    ub = ua + pick(rng, (-6, -4, -3, 3, 4, 6))
    pa, pb = qa * ua, qb * ub
    thing = pick(rng, ("muesli bars", "pens", "apples", "bread rolls"))
    options = {"Pack A": pa * qb < pb * qa, "Pack B": pb * qa < pa * qb}
    answer = next(k for k, v in options.items() if v)
    wrong = [k for k in options if k != answer] + ["Both packs are the same value"]
    return Draft(
        {"qa": qa, "pa_cents": pa, "qb": qb, "pb_cents": pb},
        p(f"Pack A has {qa} {thing} for {fmt_money(dec(pa) / 100)}.",
          f"Pack B has {qb} {thing} for {fmt_money(dec(pb) / 100)}.",
          "Which pack is better value for money?"),
        answer=answer, wrong=wrong,
    )

