"""An independent answer key for the demo maths templates.

Written separately from the generators (no imports from ``app.itembank.demo``): every function
works the answer out again from an item's ``metadata.params``. ``ANSWERS`` give the expected
answer (a number, a fraction or a text); ``PREDICATES`` say whether one option's plain text is
right, for templates whose options are expressions, statements or select-all lists.
"""

from __future__ import annotations

import ast
import operator
import re
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from math import ceil, isqrt, prod
from typing import Any

P = dict[str, Any]
Q = Fraction


def q(value: Any) -> Fraction:
    """Exact rational from an int, a float written in JSON, a Decimal or a numeric string."""
    return Fraction(str(value))


# ---------------------------------------------------------------- number and algebra
def place_value(pr: P) -> Fraction:
    text, digit = pr["number"], str(pr["digit"])
    whole = text.split(".")[0]
    at = text.index(digit)
    power = len(whole) - at - 1 if at < len(whole) else -(at - len(whole))
    return Q(pr["digit"]) * Q(10) ** power


def rounding(pr: P) -> Fraction:
    place = Decimal(pr["place"])
    return q((Decimal(pr["number"]) / place).quantize(Decimal(1), ROUND_HALF_UP) * place)


def decimal_calc(pr: P) -> Fraction:
    a, b = q(pr["a"]), q(pr["b"])
    return {"+": a + b, "−": a - b, "×": a * b}[pr["op"]]


EXPR_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
            ast.Div: operator.truediv, ast.Pow: operator.pow}


def evaluate(expression: str) -> Fraction:
    """Exact value of a + − × ÷ expression written the way a classroom writes it."""
    text = expression.replace("×", "*").replace("÷", "/").replace("−", "-").replace("^", "**")

    def walk(node: ast.AST) -> Fraction:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return q(node.value)
        if isinstance(node, ast.BinOp):
            return EXPR_OPS[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "sqrt":
            inner = walk(node.args[0])
            root = isqrt(int(inner))
            assert root * root == inner
            return Q(root)
        raise ValueError(f"unsupported expression {expression!r}")

    return walk(ast.parse(text, mode="eval"))


def order_ops(pr: P) -> Fraction:
    expression = re.sub(r"[abcd]", lambda m: str(pr[m.group()]), pr["form"])
    return evaluate(expression)


def solve_linear(pr: P) -> Fraction:
    """Solve the equation named by ``form`` (letters a–d are the params, x the unknown)."""
    lhs, rhs = pr["form"].split("=")

    def side(text: str, x: Fraction) -> Fraction:
        text = re.sub(r"(?<=[a-d0-9)])(?=[x(])", "*", text)
        text = re.sub(r"[a-d]", lambda m: str(pr[m.group()]), text)
        return evaluate(text.replace("x", f"({x})"))

    f0 = side(lhs, Q(0)) - side(rhs, Q(0))
    f1 = side(lhs, Q(1)) - side(rhs, Q(1))
    return -f0 / (f1 - f0)


def fundraiser(pr: P) -> Fraction:
    sold = pr["price_a"] * pr["count_a"]
    if pr["kind"] == "total":
        return Q(pr["total"] - sold, pr["price_b"])
    short = pr["target"] - sold - pr["price_b"] * pr["count_b"]
    return Q(ceil(Q(short, pr["price_b"])))


def better_buy(pr: P) -> str:
    a, b = Q(pr["pa_cents"], pr["qa"]), Q(pr["pb_cents"], pr["qb"])
    return "Pack A" if a < b else "Pack B" if b < a else "Both packs are the same value"


def rule_fits(pr: P, text: str) -> bool:
    match = re.fullmatch(r"(\d*)n(?: ([+-]) (\d+))?", text)
    if not match:
        return False
    coef = int(match.group(1) or 1)
    const = int(match.group(3) or 0) * (-1 if match.group(2) == "-" else 1)
    return all(coef * n + const == pr["first"] + (n - 1) * pr["step"] for n in range(1, 5))


# ---------------------------------------------------------------- geometry and measurement
METRIC = {"mm": Q(1, 1000), "cm": Q(1, 100), "m": Q(1), "km": Q(1000), "g": Q(1),
          "kg": Q(1000), "t": Q(10**6), "mL": Q(1), "L": Q(1000)}
BEARINGS = ["north", "north-east", "east", "south-east", "south", "south-west", "west",
            "north-west"]
LINES_OF_SYMMETRY = {"square": 4, "rectangle": 2, "rhombus": 2, "kite": 1, "parallelogram": 0,
                     "equilateral triangle": 3, "isosceles triangle": 1, "scalene triangle": 0,
                     "regular pentagon": 5, "regular hexagon": 6, "regular octagon": 8}
# sides, right angles always present, all sides equal, pairs of parallel sides
SHAPES = {
    "square": (4, True, True, 2), "rectangle": (4, True, False, 2),
    "rhombus": (4, False, True, 2), "parallelogram": (4, False, False, 2),
    "trapezium": (4, False, False, 1), "kite": (4, False, False, 0),
    "equilateral triangle": (3, False, True, 0), "right-angled triangle": (3, True, False, 0),
    "scalene triangle": (3, False, False, 0), "regular pentagon": (5, False, True, 0),
    "regular hexagon": (6, False, True, 3), "regular octagon": (8, False, True, 4),
}


def shape_has(prop: str, shape: str) -> bool:
    sides, right, equal, parallel = SHAPES[shape]
    checks = {
        "have exactly four sides": sides == 4, "have exactly three corners": sides == 3,
        "have more than four sides": sides > 4, "have all their sides the same length": equal,
        "have at least one right angle": right,
        "have at least one pair of parallel sides": parallel >= 1,
        "have exactly two pairs of parallel sides": parallel == 2,
    }
    return checks[prop]


def facing(pr: P) -> str:
    degrees = 45 * BEARINGS.index(pr["start"])
    for eighths, clockwise in pr["turns"]:
        degrees += 45 * eighths * (1 if clockwise else -1)
    return BEARINGS[degrees % 360 // 45]


def pair(x: Fraction | int, y: Fraction | int) -> str:
    return f"({int(x)}, {int(y)})"


def reflect(pr: P) -> str:
    x, y = pr["x"], pr["y"]
    return {"x-axis": pair(x, -y), "y-axis": pair(-x, y), "line y = x": pair(y, x)}[pr["line"]]


def rotate(pr: P) -> str:
    turn = {"90° clockwise": -1j, "90° anticlockwise": 1j, "180°": -1}[pr["turn"]]
    z = complex(pr["x"], pr["y"]) * turn
    return pair(round(z.real), round(z.imag))


def clock_time(minutes: int, suffix: bool) -> str:
    moment = datetime(2000, 1, 3) + timedelta(minutes=minutes)
    text = f"{int(moment.strftime('%I'))}:{moment.strftime('%M')}"
    return f"{text} {moment.strftime('%p').lower()}" if suffix else text


def time_24h(pr: P) -> str:
    if pr["direction"] == "to24":
        return (datetime(2000, 1, 3) + timedelta(minutes=pr["minutes"])).strftime("%H:%M")
    return clock_time(pr["minutes"], True)


def possible_perimeter(pr: P, text: str) -> bool:
    perimeter, area = int(text.split()[0]), pr["area"]
    return any(area % w == 0 and 2 * (w + area // w) == perimeter for w in range(1, area + 1))


def angle_kind(degrees: int) -> str:
    if degrees == 90:
        return "right angle"
    return "acute" if degrees < 90 else "obtuse" if degrees < 180 else "reflex"


def speed(pr: P) -> Fraction:
    hours = Q(pr.get("minutes", 0), 60)
    if pr["kind"] == "speed":
        return q(pr["km"]) / hours
    if pr["kind"] == "distance":
        return pr["kmh"] * hours
    return q(pr["km"]) / pr["kmh"] * 60


def pythagoras(pr: P) -> Fraction:
    squared = pr["a"] ** 2 + pr["b"] ** 2 if pr["kind"] == "hypotenuse" else \
        pr["hypotenuse"] ** 2 - pr["leg"] ** 2
    root = isqrt(squared)
    assert root * root == squared
    return Q(root)


# ---------------------------------------------------------------- statistics and probability
def mean(values: list[int]) -> Fraction:
    return Q(sum(values), len(values))


def middle(values: list[int]) -> Fraction:
    ordered, n = sorted(values), len(values)
    return Q(ordered[n // 2]) if n % 2 else Q(ordered[n // 2 - 1] + ordered[n // 2], 2)


def most_common(values: list[int]) -> int:
    (value, count), *rest = Counter(values).most_common()
    assert not rest or rest[0][1] < count, "mode must be unique"
    return value


def statistic(name: str, data: list[int]) -> Fraction:
    return {"mean": mean, "median": middle, "mode": lambda d: Q(most_common(d)),
            "range": lambda d: Q(max(d) - min(d))}[name](data)


def statement_true(pr: P, text: str) -> bool:
    data = pr["data"]
    match = re.fullmatch(r"The (mode|range|median|mean) is (-?[\d.]+)\.", text)
    if match:
        return statistic(match.group(1), data) == q(match.group(2))
    relation = {"The mean is greater than the median.": mean(data) > middle(data),
                "The median is greater than the mean.": middle(data) > mean(data),
                "The mean and the median are equal.": mean(data) == middle(data)}
    return relation[text]


def teams_statement(pr: P, text: str) -> bool:
    means = {name: mean(scores) for name, scores in zip(pr["names"], pr["scores"], strict=True)}
    if text == "The two teams have the same mean":
        return len(set(means.values())) == 1
    match = re.fullmatch(r"(.+)'s mean is (\d+) more than (.+)'s", text)
    assert match, text
    return means[match.group(1)] - means[match.group(3)] == int(match.group(2))


def dice_event(event: str) -> Fraction:
    number = int(re.findall(r"\d+", event)[0]) if re.search(r"\d", event) else 0
    tests = {"even": lambda f: f % 2 == 0, "odd": lambda f: f % 2 == 1,
             "multiple": lambda f: f % number == 0, "greater": lambda f: f > number,
             "less": lambda f: f < number, "factor": lambda f: number % f == 0,
             "six": lambda f: f == 6}
    word = next(w for w in tests if w in event)
    return Q(sum(tests[word](face) for face in range(1, 7)), 6)


def chance_in_words(pr: P) -> str:
    chance = Q(pr["counts"].get(pr["target"], 0), sum(pr["counts"].values()))
    if chance in (0, 1):
        return "impossible" if chance == 0 else "certain"
    return "even chance" if chance == Q(1, 2) else "likely" if chance > Q(1, 2) else "unlikely"


def probability(pr: P) -> Fraction:
    if pr["kind"] == "dice":
        return dice_event(pr["event"])
    return Q(pr["counts"][pr["target"]], sum(pr["counts"].values()))


def better_bag(pr: P) -> str:
    (ra, ba), (rb, bb) = pr["bags"]
    a, b = Q(ra, ra + ba), Q(rb, rb + bb)
    return "Bag A" if a > b else "Bag B" if b > a else "Both bags give the same chance"


def combined(pr: P) -> Fraction:
    if pr["kind"] == "two_dice":
        return Q(sum(1 for x in range(1, 7) for y in range(1, 7) if x + y == pr["total"]), 36)
    return Q(1, 2) * dice_event(pr["event"])


def survey_answer(pr: P) -> Fraction:
    counts = dict(zip(pr["categories"], pr["counts"], strict=True))
    return Q({"read": counts[pr["a"]], "difference": counts[pr["a"]] - counts[pr["b"]],
              "total": sum(counts.values())}[pr["kind"]])


def survey_pick(pr: P) -> str:
    counts = dict(zip(pr["categories"], pr["counts"], strict=True))
    if "extra" in pr:
        counts[pr["target"]] += pr["extra"]
    chooser = min if pr.get("ask") == "least" else max
    return chooser(counts, key=counts.__getitem__)


ANSWERS: dict[str, Callable[[P], Any]] = {
    "place_value": place_value,
    "add_sub": lambda pr: Q(pr["a"] + pr["b"] if pr["op"] == "+" else pr["a"] - pr["b"]),
    "mult_facts": lambda pr: Q(pr["a"] * pr["b"]) if pr["op"] == "×" else Q(pr["a"], pr["b"]),
    "rounding": rounding,
    "mult_context": lambda pr: Q(pr["a"] * pr["b"]),
    "money_change": lambda pr: Q(pr["paid_cents"] - sum(pr["prices_cents"]), 100),
    "pattern_next": lambda pr: Q(pr["start"] + 4 * pr["step"] if pr["kind"] == "add"
                                 else pr["start"] * pr["step"] ** 4),
    "missing_start": lambda pr: Q(pr["result"] + pr["change"] if pr["kind"] == "gave"
                                  else pr["result"] - pr["change"]),
    "remainder_context": lambda pr: Q(-(-pr["n"] // pr["k"]) if pr["kind"] == "up"
                                      else pr["n"] // pr["k"]),
    "fraction_of_amount": lambda pr: Q(pr["num"], pr["den"]) * pr["whole"],
    "simplify_fraction": lambda pr: str(Q(pr["num"], pr["den"])),
    "decimal_order": lambda pr: (max if pr["ask"] == "largest" else min)(map(q, pr["values"])),
    "decimal_calc": decimal_calc,
    "percent_of": lambda pr: q(pr["percent"]) * pr["whole"] / 100,
    "percent_change": lambda pr: pr["price"] * (1 + q(pr["percent"]) / 100 *
                                                (1 if pr["direction"] == "up" else -1)),
    "ratio_share": lambda pr: Q(pr["total"] * pr["r2"], pr["r1"] + pr["r2"]),
    "proportion_recipe": lambda pr: Q(pr["q1"] * pr["p2"], pr["p1"]),
    "better_buy": better_buy,
    "order_ops": order_ops,
    "integers_temp": lambda pr: Q({"rise": pr["t1"] + pr["change"],
                                   "fall": pr["t1"] - pr["change"],
                                   "diff": pr["change"] - pr["t1"]}[pr["kind"]]),
    "equation_solve": solve_linear,
    "pattern_far": lambda pr: Q(pr["start"] + (pr["n"] - 1) * pr["step"]),
    "fundraiser": fundraiser,
    "rect_measure": lambda pr: (2 * (pr["length"] + q(pr["width"])) if pr["kind"] == "perimeter"
                                else pr["length"] * q(pr["width"])),
    "unit_convert": lambda pr: q(pr["amount"]) * METRIC[pr["from"]] / METRIC[pr["to"]],
    "fence_posts": lambda pr: (Q(pr["length"], pr["gap"]) + 1 if pr["kind"] == "line"
                               else Q(2 * (pr["long"] + pr["wide"]), pr["gap"])),
    "perimeter_missing_side": lambda pr: {
        "square": lambda: Q(pr["perimeter"], 4),
        "rectangle": lambda: Q(pr["perimeter"], 2) - pr["side"],
        "area": lambda: Q(pr["area"], pr["side"])}[pr["kind"]](),
    "volume_cuboid": lambda pr: prod(map(q, pr["dims"])),
    "volume_missing": lambda pr: (Q(prod(pr["dims"]), 1000) if pr["kind"] == "litres"
                                  else Q(pr["volume"], pr["length"] * pr["width"])),
    "composite_area": lambda pr: (pr["width"] * pr["height"] + Q(pr["width"] * pr["roof"], 2)
                                  if pr["kind"] == "house" else
                                  Q(pr["width"] * pr["height"] - pr["cut_w"] * pr["cut_h"])),
    "area_triangle": lambda pr: Q(pr["base"] * pr["height"], 2),
    "circle_measure": lambda pr: q("3.14") * (
        (pr["size"] if pr["given"] == "diameter" else 2 * pr["size"]) if pr["kind"] ==
        "circumference" else Q(pr["size"], 2 if pr["given"] == "diameter" else 1) ** 2),
    "scale_map": lambda pr: (q(pr["cm"]) * pr["scale"] / 100_000 if pr["kind"] == "to_real"
                             else q(pr["km"]) * 100_000 / pr["scale"]),
    "time_after": lambda pr: clock_time(pr["start"] + pr["add"], False),
    "time_24h": time_24h,
    "elapsed_time": lambda pr: Q(pr["end"] - pr["start"]),
    "timetable": lambda pr: clock_time(pr["start"] + 60 * pr["hours"] + pr["minutes"], True),
    "speed": speed,
    "angle_type": lambda pr: angle_kind(pr["degrees"]),
    "angle_facts": lambda pr: Q({"line": 180, "triangle": 180, "point": 360, "quad": 360}
                                [pr["kind"]] - sum(pr["known"])),
    "angle_isosceles": lambda pr: {"apex": lambda: Q(180 - pr["angle"], 2),
                                   "base": lambda: Q(180 - 2 * pr["angle"]),
                                   "polygon": lambda: 180 - Q(360, pr["sides"])}[pr["kind"]](),
    "compass_turn": facing,
    "compass_two_turns": facing,
    "symmetry_lines": lambda pr: Q(LINES_OF_SYMMETRY[pr["shape"]]),
    "coordinates_move": lambda pr: pair(pr["x"] + pr["dx"], pr["y"] + pr["dy"]),
    "reflect_point": reflect,
    "rotate_point": rotate,
    "pythagoras": pythagoras,
    "table_question": survey_answer,
    "table_most": survey_pick,
    "table_whatif": survey_pick,
    "stat_simple": lambda pr: statistic(pr["stat"], pr["data"]),
    "mean_missing": lambda pr: pr["mean"] * (len(pr["known"]) + 1) - Q(sum(pr["known"])),
    "freq_table_mean": lambda pr: Q(sum(v * f for v, f in zip(pr["values"], pr["freqs"],
                                                              strict=True)), sum(pr["freqs"])),
    "prob_words": chance_in_words,
    "prob_fraction": probability,
    "prob_compare": better_bag,
    "expected_freq": lambda pr: (pr["trials"] * Q(pr["good"], pr["sections"])
                                 if pr["kind"] == "spinner"
                                 else pr["trials"] * dice_event(pr["event"])),
    "outcomes_count": lambda pr: Q(prod(pr["counts"])),
    "combined_prob": combined,
}

PREDICATES: dict[str, Callable[[P, str], bool]] = {
    "multiples_select": lambda pr, t: (int(t) % pr["k"] == 0 if pr["kind"] == "multiple"
                                       else pr["k"] % int(t) == 0),
    "strategy_equivalent": lambda pr, t: evaluate(t) == evaluate(f"{pr['a']}{pr['op']}{pr['b']}"),
    "equivalent_fractions": lambda pr, t: Q(t) == Q(pr["num"], pr["den"]),
    "pattern_rule": rule_fits,
    "shape_properties": lambda pr, t: shape_has(pr["property"], t),
    "area_perimeter_possible": possible_perimeter,
    "data_statements": statement_true,
    "compare_groups": teams_statement,
}
