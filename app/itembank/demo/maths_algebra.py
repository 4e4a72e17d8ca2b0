"""Algebra templates: order of operations, integers, equations, patterns and rules."""

from __future__ import annotations

import random

from app.itembank.demo.common import Draft, fmt_money, fmt_num, p, pick, table, template

ORDER_FORMS = {5: ("a+b*c", "a*b-c*d", "(a+b)*c", "a-b/c"), 6: ("a^2+b*c", "sqrt(a)*b-c",
                                                               "a*b-c*d", "a-b/c")}


def _order_expression(form: str, v: dict[str, int]) -> tuple[str, int, list[int]]:
    """Expression HTML, its value and the left-to-right (wrong) readings."""
    a, b, c, d = v["a"], v["b"], v["c"], v["d"]
    if form == "a+b*c":
        return f"{a} + {b} × {c}", a + b * c, [(a + b) * c, a * b + c]
    if form == "a*b-c*d":
        return f"{a} × {b} − {c} × {d}", a * b - c * d, [(a * b - c) * d, a * (b - c) * d]
    if form == "(a+b)*c":
        return f"({a} + {b}) × {c}", (a + b) * c, [a + b * c, a + b + c]
    if form == "a-b/c":
        return f"{a} − {b} ÷ {c}", a - b // c, [(a - b) // c if (a - b) % c == 0 else a - b,
                                                  a - c]
    if form == "a^2+b*c":
        html = (f"<math><msup><mn>{a}</mn><mn>2</mn></msup><mo>+</mo><mn>{b}</mn><mo>×</mo>"
                f"<mn>{c}</mn></math>")
        return html, a * a + b * c, [(a * a + b) * c, 2 * a + b * c]
    root = int(a**0.5)
    html = (f"<math><msqrt><mn>{a}</mn></msqrt><mo>×</mo><mn>{b}</mn><mo>−</mo><mn>{c}</mn>"
            "</math>")
    return html, root * b - c, [a * b - c, root * (b - c)]


@template("order_ops", "NA", (5, 6), "unistructural", ("numeric", "single_choice"), 40,
          {5: "NA5-3", 6: "NA6-2"})
def order_ops(rng: random.Random, level: int, step: int) -> Draft:
    """Evaluate an expression where the order of operations matters."""
    form = pick(rng, ORDER_FORMS[level])
    v = {"a": rng.randint(3, 12), "b": rng.randint(2, 9), "c": rng.randint(2, 9),
         "d": rng.randint(2, 6)}
    if form == "a*b-c*d":
        v["a"], v["b"] = v["c"] + rng.randint(1, 6), v["d"] + rng.randint(0, 4)
    if form == "a-b/c":
        v["b"] = v["c"] * rng.randint(2, 9)
        v["a"] = v["b"] + rng.randint(5, 30)
    if form == "sqrt(a)*b-c":
        v["a"] = rng.randint(2, 12) ** 2
    html, value, wrong = _order_expression(form, v)
    return Draft({"form": form, **v}, p(f"Work out {html}"), value=value, wrong_values=wrong)


@template("integers_temp", "NA", (5, 6), "multistructural", ("numeric",), 45,
          {5: "NA5-3", 6: "NA6-2"})
def integers_temp(rng: random.Random, level: int, step: int) -> Draft:
    """Temperatures below zero: rises, falls and differences."""
    place = pick(rng, ("Lake Tekapo", "Ohakune", "Twizel", "Queenstown", "Naseby"))
    kind = pick(rng, ("rise", "fall") if level == 5 else ("rise", "fall", "diff"))
    t1, change = rng.randint(-9, 6), rng.randint(3, 15 + 5 * (level - 5))
    if kind == "rise":
        t1 = -abs(t1) - 1
        text = (f"At 6 am the temperature in {place} was {fmt_num(t1)} °C.",
                f"By midday it had risen by {change} °C. What was the temperature at midday?")
        value = t1 + change
    elif kind == "fall":
        text = (f"At 4 pm the temperature in {place} was {fmt_num(t1)} °C.",
                f"By midnight it had fallen by {change} °C. What was the temperature then?")
        value = t1 - change
    else:
        t1, change = -abs(t1) - 1, rng.randint(5, 22)
        text = (f"One winter morning it was {fmt_num(t1)} °C in {place} and {change} °C in"
                " Auckland.", "How many degrees warmer was it in Auckland?")
        value = change - t1
    return Draft({"kind": kind, "t1": t1, "change": change}, p(*text), value=value)


def _x_term(coef: int) -> str:
    """``x``, ``3x`` …"""
    return "<em>x</em>" if coef == 1 else f"{coef}<em>x</em>"


def _equation(form: str, v: dict[str, int]) -> str:
    """Equation text for one of the supported forms (□ or x is the unknown)."""
    a, b, c, d = v["a"], v.get("b", 0), v["c"], v.get("d", 0)
    return {
        "x+a=c": f"□ + {a} = {c}", "x-a=c": f"□ − {a} = {c}", "a*x=c": f"{a} × □ = {c}",
        "ax+b=c": f"{_x_term(a)} + {b} = {c}", "ax-b=c": f"{_x_term(a)} − {b} = {c}",
        "a(x+b)=c": f"{a}(<em>x</em> + {b}) = {c}",
        "ax+b=cx+d": f"{_x_term(a)} + {b} = {_x_term(c)} + {d}",
    }[form]


def _equation_values(rng: random.Random, form: str, x: int) -> tuple[dict[str, int], int]:
    """Coefficients for ``form`` and the equation's solution."""
    a, b = rng.randint(2, 9), rng.randint(2, 30)
    if form == "x+a=c":
        return {"a": b, "c": x + b}, x
    if form == "x-a=c":
        return {"a": b, "c": x}, x + b
    if form == "a*x=c":
        return {"a": a, "c": a * x}, x
    if form == "ax+b=c":
        return {"a": a, "b": b, "c": a * x + b}, x
    if form == "ax-b=c":
        b = rng.randint(1, a * x - 1)
        return {"a": a, "b": b, "c": a * x - b}, x
    if form == "a(x+b)=c":
        b = rng.randint(1, 9)
        return {"a": a, "b": b, "c": a * (x + b)}, x
    a = rng.randint(3, 9)
    c = rng.randint(1, a - 1)
    return {"a": a, "b": b, "c": c, "d": (a - c) * x + b}, x


@template("equation_solve", "NA", (4, 5, 6), "multistructural", ("numeric", "single_choice"),
          60,
          {4: "NA4-5", 5: "NA5-4", 6: "NA6-3"})
def equation_solve(rng: random.Random, level: int, step: int) -> Draft:
    """Solve a linear equation (missing-box number sentences at level 4)."""
    forms = {4: ("x+a=c", "x-a=c", "a*x=c"), 5: ("ax+b=c", "ax-b=c"),
             6: ("a(x+b)=c", "ax+b=cx+d")}[level]
    form = pick(rng, forms)
    v, solution = _equation_values(rng, form, rng.randint(2, 15))
    ask = "What number goes in the box?" if level == 4 else "What is the value of <em>x</em>?"
    return Draft({"form": form, **v}, p(f"{_equation(form, v)}.", ask), value=solution,
                 wrong_values=[v["c"] + v.get("b", v["a"]), solution + 1, v["c"] - v["a"],
                               solution - 1])


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, … 11th, 12th, 13th, 21st …"""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@template("pattern_far", "NA", (2, 3, 4, 5, 6), "relational", ("numeric", "single_choice"), 70,
          {2: "NA2-5", 3: "NA3-5", 4: "NA4-5", 5: "NA5-5", 6: "NA6-4"})
def pattern_far(rng: random.Random, level: int, step: int) -> Draft:
    """A far term of a linear pattern, which cannot be reached by counting on comfortably."""
    size = {2: pick(rng, (2, 5, 10)), 3: rng.randint(3, 9), 4: rng.randint(4, 12),
            5: rng.randint(3, 15), 6: rng.randint(-12, 15) or 7}[level]
    n = {2: rng.randint(8, 12), 3: rng.randint(12, 20), 4: rng.randint(20, 40),
         5: rng.randint(50, 100), 6: rng.randint(100, 500)}[level]
    start = rng.randint(1, 20) if size > 0 else rng.randint(20, 60)
    terms = ", ".join(fmt_num(start + size * i) for i in range(4))
    return Draft({"start": start, "step": size, "n": n},
                 p(f"The pattern {terms}, … keeps going in the same way.",
                   f"What is the {ordinal(n)} number in the pattern?"),
                 value=start + size * (n - 1),
                 wrong_values=[start + size * n, size * n, start * n])


def rule_text(coef: int, const: int) -> str:
    """A linear rule such as ``4n + 2``, ``n − 3`` or ``5n``."""
    lead = "<em>n</em>" if coef == 1 else f"{coef}<em>n</em>"
    if const == 0:
        return lead
    return f"{lead} {'+' if const > 0 else '−'} {abs(const)}"


@template("pattern_rule", "NA", (5, 6), "extended_abstract", ("single_choice",), 90,
          {5: "NA5-5", 6: "NA6-4"})
def pattern_rule(rng: random.Random, level: int, step: int) -> Draft:
    """Choose the general rule for the n-th term of a pattern shown in a table."""
    size = rng.randint(2, 9)
    first = size + rng.randint(1, 9) if level == 5 else size + rng.randint(1 - size, 9)
    const = first - size
    candidates = [(first, 0), (1, size), (size, first), (size + 1, const - 1),
                  (size, -const if const else 1)]
    wrong = [rule_text(*w) for w in dict.fromkeys(candidates) if w != (size, const)]
    header = ["Position (<em>n</em>)", "1", "2", "3", "4"]
    sticks = ["Number of sticks", *(first + size * i for i in range(4))]
    return Draft({"first": first, "step": size},
                 p("A pattern is made of sticks. The table shows how many sticks are in each"
                   " position.") + table(header, [sticks]) +
                 p("Which rule gives the number of sticks in position <em>n</em>?"),
                 answer=rule_text(size, const), wrong=wrong[:3])


@template("fundraiser", "NA", (4, 5, 6), "relational", ("numeric",), 90,
          {4: "NA4-1", 5: "NA5-3", 6: "NA6-5"})
def fundraiser(rng: random.Random, level: int, step: int) -> Draft:
    """Two-step money problem; at 6A, how many more sales reach a target (round up)."""
    group, first, second = pick(rng, (
        ("rugby club", "sausages", "drinks"), ("netball team", "cupcakes", "raffle tickets"),
        ("kapa haka group", "hāngī meals", "bottles of water"), ("school", "pies", "juices")))
    cents = {4: 100, 5: 50, 6: 10}[level]
    price_a = rng.randint(3 * 100 // cents, 9 * 100 // cents) * cents
    price_b = rng.randint(1 * 100 // cents, 4 * 100 // cents) * cents
    count_a, count_b = rng.randint(15, 60), rng.randint(10, 50)
    total = price_a * count_a + price_b * count_b
    money = (f"The {group} sold {first} for {fmt_money(price_a / 100)} each and {second} for"
             f" {fmt_money(price_b / 100)} each. They sold {count_a} {first}")
    if level == 6 and step == 2:
        target = total + rng.randint(1, 40) * 100 + 50
        return Draft(
            {"kind": "target", "price_a": price_a, "price_b": price_b, "count_a": count_a,
             "count_b": count_b, "target": target},
            p(f"{money} and {count_b} {second}.",
              f"How many more {second} must they sell to raise at least"
              f" {fmt_money(target / 100)} altogether?"),
            value=-(-(target - total) // price_b), solo="extended_abstract")
    return Draft(
        {"kind": "total", "price_a": price_a, "price_b": price_b, "count_a": count_a,
         "total": total},
        p(f"{money} and raised {fmt_money(total / 100)} altogether.",
          f"How many {second} did they sell?"),
        value=count_b)
