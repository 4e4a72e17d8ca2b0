"""Number templates: place value, whole-number operations, rounding, money and patterns."""

from __future__ import annotations

import random

from app.itembank.demo.common import (
    NAMES,
    Draft,
    dec,
    dstr,
    fmt_money,
    fmt_num,
    listing,
    p,
    pick,
    template,
)

ANY = ("single_choice", "numeric")


@template("place_value", "NA", (2, 3, 4), "unistructural", ANY, 30,
          {2: "NA2-4", 3: "NA3-3", 4: "NA4-2"})
def place_value(rng: random.Random, level: int, step: int) -> Draft:
    """Value of one digit; at level 4 the number has two decimal places."""
    size = {2: 3, 3: 4, 4: 5}[level]
    digits = rng.sample(range(1, 10), size)
    powers = list(range(size - 1, -1, -1)) if level < 4 else [2, 1, 0, -1, -2]
    pos = pick(rng, powers[: size - 1] if step == 0 else powers)
    digit = digits[powers.index(pos)]
    number = sum(dec(d) * dec(10) ** e for d, e in zip(digits, powers, strict=True))
    value = dec(digit) * dec(10) ** pos
    wrong = [dec(digit) * dec(10) ** e for e in (*powers, max(powers) + 1) if e != pos]
    rng.shuffle(wrong)
    return Draft(
        {"number": dstr(number), "digit": digit},
        p(f"What is the value of the digit <strong>{digit}</strong> in the number",
          f"<strong>{fmt_num(number)}</strong>?"),
        value=value, wrong_values=[dec(digit), *wrong],
    )


def _columns(a: int, b: int, op: str) -> int:
    """The no-regrouping answer: each column worked alone (+ drops carries, − takes smaller
    from larger)."""
    out, power = 0, 1
    while a or b:
        da, db = a % 10, b % 10
        out += ((da + db) % 10 if op == "+" else abs(da - db)) * power
        a, b, power = a // 10, b // 10, power * 10
    return out


@template("add_sub", "NA", (2, 3), "unistructural", ("numeric", "single_choice"), 35,
          {2: "NA2-1", 3: "NA3-1"})
def add_sub(rng: random.Random, level: int, step: int) -> Draft:
    """Column addition or subtraction that needs regrouping in the ones."""
    lo, hi = (12, 89) if level == 2 else (104, 899 + 50 * step)
    op = pick(rng, "+−")
    while True:
        a, b = rng.randint(lo, hi), rng.randint(lo, hi)
        if op == "−":
            a, b = max(a, b), min(a, b)
        ones = a % 10 + b % 10 >= 10 if op == "+" else a % 10 < b % 10
        if ones and a != b:
            break
    value = a + b if op == "+" else a - b
    wrong = [_columns(a, b, "+" if op == "+" else "−"), value + 10, value - 10, value + 1]
    return Draft({"a": a, "b": b, "op": op}, p(f"Work out {a} {op} {b}."),
                 value=value, wrong_values=wrong)


@template("mult_facts", "NA", (2, 3), "unistructural", ("numeric", "single_choice"), 20,
          {2: "NA2-3", 3: "NA3-2"},
          independent="separate basic facts: knowing one does not give another away")
def mult_facts(rng: random.Random, level: int, step: int) -> Draft:
    """Multiplication facts (2, 5, 10 at level 2) and, at 3A, the related division facts."""
    a = pick(rng, (2, 5, 10)) if level == 2 else rng.randint(3, 9)
    b = rng.randint(2, 10) if level == 2 else rng.randint(3, 9)
    if level == 3 and step == 2:
        product = a * b
        return Draft({"a": product, "b": a, "op": "÷"}, p(f"{product} ÷ {a} = ?"),
                     value=b, wrong_values=[b + 1, b - 1, a, product - a])
    return Draft({"a": a, "b": b, "op": "×"}, p(f"{a} × {b} = ?"),
                 value=a * b, wrong_values=[a * b + a, a * b - b, a + b, a * (b + 1) + 1])


@template("rounding", "NA", (3, 4), "unistructural", ("single_choice",), 30,
          {3: "NA3-3", 4: "NA4-2"})
def rounding(rng: random.Random, level: int, step: int) -> Draft:
    """Round a whole number to the nearest 10, 100, 1000 or 10 000."""
    number = rng.randint(1001, 9999) if level == 3 else rng.randint(10_001, 99_999)
    place = pick(rng, (10, 100, 1000) if level == 3 else (100, 1000, 10_000))
    if number % place == 0:
        number += rng.randint(1, place - 1)
    down = number // place * place
    value = down + place if number - down >= place / 2 else down
    other = down if value != down else down + place
    return Draft(
        {"number": number, "place": place},
        p(f"Round {fmt_num(number)} to the nearest {fmt_num(place)}."),
        value=value, wrong_values=[other, number // (place // 10) * (place // 10), value + place],
    )


@template("mult_context", "NA", (3, 4, 5), "multistructural", ("numeric", "single_choice"), 50,
          {3: "NA3-1", 4: "NA4-1", 5: "NA5-3"})
def mult_context(rng: random.Random, level: int, step: int) -> Draft:
    """A multiplication story: equal groups of objects."""
    group, things = pick(rng, (("box", "eggs"), ("crate", "kiwifruit"), ("tray", "feijoas"),
                               ("row", "seats"), ("packet", "seeds"), ("bundle", "pāua shells")))
    a = rng.randint(12, 29) if level == 3 else rng.randint(13, 48) if level == 4 else \
        rng.randint(104, 380)
    b = rng.randint(3, 9) if level == 3 else rng.randint(12, 39)
    value = a * b
    slip = a * (b % 10) + a * (b // 10) if b >= 10 else (a // 10) * 10 * b + a % 10
    return Draft(
        {"a": a, "b": b, "group": group, "things": things},
        p(f"Each {group} holds {a} {things}.",
          f"How many {things} are there in {b} {group}{'e' if group.endswith('x') else ''}s?"),
        value=value, wrong_values=[slip, value - a, value + a, a + b],
    )


@template("multiples_select", "NA", (2, 3, 4), "multistructural", ("multiple_choice",), 60,
          {2: "NA2-3", 3: "NA3-2", 4: "NA4-1"})
def multiples_select(rng: random.Random, level: int, step: int) -> Draft:
    """Select all multiples of k (levels 2–3) or all factors of n (level 4)."""
    n_right = 2 + (step == 2)
    if level == 4 and step > 0:
        n = pick(rng, (24, 36, 48, 60, 72, 84, 90))
        pool_right = [d for d in range(2, n) if n % d == 0]
        pool_wrong = [d for d in range(5, n // 2 + 4) if n % d]
        kind, k, words = "factor", n, f"factors of {n}"
    else:
        k = pick(rng, (2, 5, 10) if level == 2 else (3, 4, 6) if level == 3 else (6, 7, 8, 9))
        top = 50 if level == 2 else 100
        pool_right = [m for m in range(k * 2, top) if m % k == 0]
        pool_wrong = [m for m in range(11, top)
                      if m % k and ((m - 1) % k == 0 or (m + 1) % k == 0 or m % 10 == k)]
        kind, words = "multiple", f"multiples of {k}"
    right, wrong = rng.sample(pool_right, n_right), rng.sample(pool_wrong, 5 - n_right)
    return Draft(
        {"kind": kind, "k": k},
        p(f"Which of these numbers are {words}? Choose <strong>all</strong> the right answers."),
        choices=[(str(m), True) for m in right] + [(str(m), False) for m in wrong],
    )


@template("money_change", "NA", (2, 3, 4), "multistructural", ("numeric",), 50,
          {2: "NA2-1", 3: "NA3-1", 4: "NA4-1"})
def money_change(rng: random.Random, level: int, step: int) -> Draft:
    """Change from a note after buying two or three things at the school gala."""
    goods = ["a sausage", "a juice", "a cupcake", "a raffle ticket", "an ice block", "a book"]
    count = 2 if level < 4 else 3
    cents_step = {2: 100, 3: 50, 4: 10}[level]
    prices = [rng.randint(1, 6 if level == 2 else 9) * 100 + rng.randrange(0, 100, cents_step)
              for _ in range(count)]
    paid = min(note for note in (500, 1000, 2000, 5000) if note > sum(prices))
    bought = rng.sample(goods, count)
    things = listing([f"{g} for {fmt_money(dec(c) / 100)}"
                      for g, c in zip(bought, prices, strict=True)])
    who = pick(rng, NAMES)
    return Draft(
        {"prices_cents": prices, "paid_cents": paid},
        p(f"At the school gala {who} buys {things}.",
          f"{who} pays with a ${paid // 100} note.",
          f"How much change should {who} get, in dollars?"),
        value=dec(paid - sum(prices)) / 100,
    )


@template("pattern_next", "NA", (2, 3, 4), "unistructural", ("numeric",), 30,
          {2: "NA2-5", 3: "NA3-5", 4: "NA4-5"})
def pattern_next(rng: random.Random, level: int, step: int) -> Draft:
    """Next term of a counting pattern (doubling patterns at level 4)."""
    if level == 4 and step == 2:
        start, ratio = rng.randint(2, 7), pick(rng, (2, 3))
        terms = [start * ratio**i for i in range(4)]
        return Draft({"kind": "multiply", "start": start, "step": ratio},
                     p(f"What is the next number in this pattern? {', '.join(map(str, terms))}, …"),
                     value=terms[-1] * ratio)
    size = pick(rng, (2, 5, 10)) if level == 2 else rng.randint(3, 9) if level == 3 else \
        rng.randint(6, 25)
    size = -size if step == 1 and level > 2 else size
    start = rng.randint(1, 30) + (60 if size < 0 else 0) + 50 * (level - 2)
    terms = [start + size * i for i in range(4)]
    return Draft({"kind": "add", "start": start, "step": size},
                 p(f"What is the next number in this pattern? {', '.join(map(str, terms))}, …"),
                 value=start + size * 4)


def _strategy_options(rng: random.Random, level: int) -> tuple[dict, str, str, list[str]]:
    """Params, the question, a correct rewriting and wrong rewritings of one calculation."""
    if level == 2:
        a, m, r = rng.randint(14, 59), rng.randint(2, 4), pick(rng, (1, 2))
        b = 10 * m - r
        wrong = [f"{a} + {10 * m} + {r}", f"{a} + {10 * m}", f"{a} + {10 * m - 10} − {r}",
                 f"{a + r} + {10 * m}"]
        return {"a": a, "b": b, "op": "+"}, f"{a} + {b}", f"{a} + {10 * m} − {r}", wrong
    if level == 3:
        a, m, r = rng.randint(3, 9), rng.randint(2, 9), pick(rng, (1, -1))
        b = 10 * m - r
        sign, other = ("−", "+") if r == 1 else ("+", "−")
        wrong = [f"{a} × {10 * m} {sign} 1", f"{a} × {10 * m}", f"{a} × {10 * m} {other} {a}",
                 f"{a - 1} × {10 * m}"]
        return {"a": a, "b": b, "op": "×"}, f"{a} × {b}", f"{a} × {10 * m} {sign} {a}", wrong
    a, b = 2 * rng.randint(6, 24), pick(rng, (5, 15, 25, 35, 45))
    wrong = [f"{a // 2} × {b}", f"{2 * a} × {2 * b}", f"{a // 2} × {2 * b} + {b}",
             f"{a} × {2 * b}"]
    return {"a": a, "b": b, "op": "×"}, f"{a} × {b}", f"{a // 2} × {2 * b}", wrong


@template("strategy_equivalent", "NA", (2, 3, 4), "relational", ("single_choice",), 45,
          {2: "NA2-1", 3: "NA3-1", 4: "NA4-1"})
def strategy_equivalent(rng: random.Random, level: int, step: int) -> Draft:
    """Which rewriting keeps the value (rounding and compensating, doubling and halving)."""
    params, question, right, wrong = _strategy_options(rng, level)
    rng.shuffle(wrong)
    return Draft(params, p(f"Which of these has the <strong>same value</strong> as {question}?"),
                 answer=right, wrong=wrong[:3])


@template("missing_start", "NA", (2, 3), "relational", ("numeric",), 50,
          {2: "NA2-1", 3: "NA3-5"})
def missing_start(rng: random.Random, level: int, step: int) -> Draft:
    """Work backwards from a result to the starting amount."""
    top = 60 if level == 2 else 600
    change, result = rng.randint(8, top // 2), rng.randint(10, top // 2)
    kind = pick(rng, ("gave", "got"))
    who, thing = pick(rng, NAMES), pick(rng, ("shells", "stickers", "marbles", "swap cards"))
    if kind == "gave":
        text = f"{who} gave {change} {thing} to a friend and now has {result} left."
        value = result + change
    else:
        result += change
        text = f"{who} was given {change} more {thing} and now has {result}."
        value = result - change
    return Draft({"kind": kind, "change": change, "result": result},
                 p(f"{who} had some {thing}.", text,
                   f"How many {thing} did {who} have at the start?"), value=value)


@template("remainder_context", "NA", (3, 4, 5), "relational", ("single_choice", "numeric"), 60,
          {3: "NA3-2", 4: "NA4-1", 5: "NA5-3"})
def remainder_context(rng: random.Random, level: int, step: int) -> Draft:
    """Division where the remainder decides the answer (round up for vans, down for pieces)."""
    k = {3: rng.randint(4, 9), 4: rng.randint(12, 30), 5: rng.randint(24, 60)}[level]
    n = rng.randint(5, 12) * k + rng.randint(1, k - 1)
    kind = pick(rng, ("up", "down"))
    if kind == "up":
        text = (f"{n} students and parents are going on a trip to the marae.",
                f"Each van can carry {k} people. How many vans are needed?")
        value = -(-n // k)
    else:
        text = (f"{pick(rng, NAMES)} has {n} cm of harakeke and cuts it into strips {k} cm long.",
                "How many whole strips can be cut?")
        value = n // k
    other = n // k if kind == "up" else -(-n // k)
    return Draft({"kind": kind, "n": n, "k": k}, p(*text), value=value,
                 wrong_values=[other, n % k, round(dec(n) / dec(k), 1), k])
