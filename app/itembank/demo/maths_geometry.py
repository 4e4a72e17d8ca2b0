"""Geometry templates: angles, directions, shapes, symmetry, position and transformations."""

from __future__ import annotations

import random

from app.itembank.demo.common import NAMES, Draft, coord, p, pick, template, unit, with_article

POINTS = ("north", "north-east", "east", "south-east", "south", "south-west", "west",
          "north-west")
TURNS = {1: "45°", 2: "quarter turn", 4: "half turn", 6: "three-quarter turn", 3: "135°"}
SYMMETRY = {"square": 4, "rectangle": 2, "equilateral triangle": 3, "regular pentagon": 5,
            "regular hexagon": 6, "regular octagon": 8, "rhombus": 2, "kite": 1,
            "parallelogram": 0, "scalene triangle": 0, "isosceles triangle": 1}
PROPERTIES = {
    "have exactly four sides": {"square", "rectangle", "rhombus", "parallelogram", "trapezium",
                                "kite"},
    "have exactly three corners": {"equilateral triangle", "right-angled triangle",
                                   "scalene triangle"},
    "have more than four sides": {"regular pentagon", "regular hexagon", "regular octagon"},
    "have all their sides the same length": {"square", "rhombus", "equilateral triangle",
                                             "regular pentagon", "regular hexagon",
                                             "regular octagon"},
    "have at least one right angle": {"square", "rectangle", "right-angled triangle"},
    "have at least one pair of parallel sides": {"square", "rectangle", "rhombus",
                                                 "parallelogram", "trapezium",
                                                 "regular hexagon", "regular octagon"},
    "have exactly two pairs of parallel sides": {"square", "rectangle", "rhombus",
                                                 "parallelogram"},
}
SHAPES = sorted({s for group in PROPERTIES.values() for s in group})
PROPERTY_LEVELS = {2: list(PROPERTIES)[:3], 3: list(PROPERTIES)[3:5], 4: list(PROPERTIES)[5:]}


def angle_name(degrees: int) -> str:
    """acute, right angle, obtuse or reflex."""
    if degrees < 90:
        return "acute"
    if degrees == 90:
        return "right angle"
    return "obtuse" if degrees < 180 else "reflex"


@template("angle_type", "GM", (3, 4), "unistructural", ("single_choice", "short_text"), 25,
          {3: "GM3-5", 4: "GM4-3"})
def angle_type(rng: random.Random, level: int, step: int) -> Draft:
    """Name the type of an angle from its size."""
    kind = pick(rng, ("acute", "obtuse", "reflex", "acute", "obtuse"))
    degrees = {"acute": 5 * rng.randint(2, 17), "obtuse": 5 * rng.randint(19, 35),
               "reflex": 5 * rng.randint(37, 71)}[kind]
    name = angle_name(degrees)
    wrong = [n for n in ("acute", "right angle", "obtuse", "reflex") if n != name]
    return Draft({"degrees": degrees},
                 p(f"An angle measures {degrees}°. What type of angle is it?"),
                 answer=name, wrong=wrong,
                 accepted=[f"{name} angle", with_article(f"{name} angle")])


@template("angle_facts", "GM", (4, 5), "multistructural", ("numeric",), 45,
          {4: "GM4-3", 5: "GM5-2"})
def angle_facts(rng: random.Random, level: int, step: int) -> Draft:
    """Unknown angle on a straight line, around a point, in a triangle or a quadrilateral."""
    kind = pick(rng, ("line", "point", "triangle") if level == 4 else ("triangle", "quad",
                                                                        "point"))
    total, count = {"line": (180, 1), "point": (360, 2), "triangle": (180, 2),
                    "quad": (360, 3)}[kind]
    known = [rng.randint(20, 150 if total == 360 else 80) for _ in range(count)]
    while total - sum(known) < 15:
        known = [k - 10 for k in known]
    text = {
        "line": "Two angles sit side by side on a straight line. One is {}°.",
        "point": "Three angles meet at a point. Two of them are {}° and {}°.",
        "triangle": "Two angles of a triangle are {}° and {}°.",
        "quad": "Three angles of a quadrilateral are {}°, {}° and {}°.",
    }[kind].format(*known)
    return Draft({"kind": kind, "known": known},
                 p(text, "What is the size of the missing angle, in degrees?"),
                 value=total - sum(known))


@template("angle_isosceles", "GM", (5, 6), "relational", ("numeric",), 75,
          {5: "GM5-2", 6: "GM6-5"})
def angle_isosceles(rng: random.Random, level: int, step: int) -> Draft:
    """Angles in isosceles triangles and regular polygons."""
    kind = pick(rng, ("apex", "base") if level == 5 else ("apex", "base", "polygon"))
    if kind == "polygon":
        sides = pick(rng, (5, 6, 8, 9, 10, 12))
        return Draft({"kind": kind, "sides": sides},
                     p(f"What is the size of each interior angle of a regular polygon with"
                       f" {sides} sides, in degrees?"), value=180 * (sides - 2) // sides)
    if kind == "apex":
        apex = 2 * rng.randint(10, 70)
        return Draft({"kind": kind, "angle": apex},
                     p(f"In an isosceles triangle the angle between the two equal sides is"
                       f" {apex}°. What is the size of each of the other two angles?"),
                     value=(180 - apex) // 2)
    base = rng.randint(25, 80)
    return Draft({"kind": kind, "angle": base},
                 p(f"An isosceles triangle has two equal angles of {base}° each.",
                   "What is the size of the third angle, in degrees?"), value=180 - 2 * base)


def _turn_text(eighths: int, clockwise: bool) -> str:
    return with_article(f"{TURNS[eighths]} {'clockwise' if clockwise else 'anticlockwise'}")


def _face(start: str, turns: list[list]) -> str:
    index = POINTS.index(start)
    for eighths, clockwise in turns:
        index += eighths if clockwise else -eighths
    return POINTS[index % 8]


def _compass_draft(rng: random.Random, level: int, count: int) -> Draft:
    start = pick(rng, POINTS[::2] if level == 2 else POINTS)
    sizes = (2, 4) if level == 2 else (1, 2, 3, 4, 6)
    turns = [[pick(rng, sizes), rng.random() < 0.5] for _ in range(count)]
    who = pick(rng, NAMES)
    moves = " and then ".join(_turn_text(e, c) for e, c in turns)
    answer = _face(start, turns)
    wrong = [_face(start, [[e, not c] for e, c in turns]), _face(answer, [[4, True]]), start,
             _face(answer, [[2, True]]), _face(answer, [[2, False]])]
    short = "".join(w[0].upper() for w in answer.split("-"))
    return Draft({"start": start, "turns": turns},
                 p(f"{who} is facing {start}. {who} makes {moves}.",
                   f"Which way is {who} facing now?"),
                 answer=answer, wrong=list(dict.fromkeys(w for w in wrong if w != answer))[:3],
                 accepted=[short, answer.replace("-", " "), answer.replace("-", "")])


@template("compass_turn", "GM", (2, 3), "unistructural", ("single_choice", "short_text"), 30,
          {2: "GM2-3", 3: "GM3-4"})
def compass_turn(rng: random.Random, level: int, step: int) -> Draft:
    """Direction faced after one turn."""
    return _compass_draft(rng, level, 1)


@template("compass_two_turns", "GM", (2, 3), "relational", ("single_choice",), 50,
          {2: "GM2-3", 3: "GM3-4"})
def compass_two_turns(rng: random.Random, level: int, step: int) -> Draft:
    """Direction faced after two turns (the turns must be combined)."""
    return _compass_draft(rng, level, 2)


@template("symmetry_lines", "GM", (3, 4), "unistructural", ("numeric",), 30,
          {3: "GM3-5", 4: "GM4-6"})
def symmetry_lines(rng: random.Random, level: int, step: int) -> Draft:
    """Number of lines of symmetry of a named shape."""
    shape = pick(rng, sorted(SYMMETRY))
    return Draft({"shape": shape},
                 p(f"How many lines of symmetry does {with_article(shape)} have?",
                   "(Type 0 if it has none.)"),
                 value=SYMMETRY[shape])


@template("shape_properties", "GM", (2, 3, 4), "multistructural", ("multiple_choice",), 60,
          {2: "GM2-2", 3: "GM3-5", 4: "GM4-6"})
def shape_properties(rng: random.Random, level: int, step: int) -> Draft:
    """Select every shape that always has a property."""
    prop = pick(rng, PROPERTY_LEVELS[level])
    yes = sorted(PROPERTIES[prop])
    right = rng.sample(yes, min(len(yes), 2 + (step == 2)))
    wrong = rng.sample([s for s in SHAPES if s not in PROPERTIES[prop]], 5 - len(right))
    return Draft({"property": prop},
                 p(f"Which of these shapes always {prop}?",
                   "Choose <strong>all</strong> the right answers."),
                 choices=[(s, True) for s in right] + [(s, False) for s in wrong])


def _coord_variants(x: int, y: int) -> list[str]:
    text = coord(x, y)
    ascii_text = text.replace("−", "-")
    return list(dict.fromkeys([ascii_text, ascii_text.replace(" ", ""), ascii_text[1:-1]]))


@template("coordinates_move", "GM", (3, 4, 5), "multistructural",
          ("single_choice", "short_text"), 45, {3: "GM3-4", 4: "GM4-4", 5: "GM5-5"})
def coordinates_move(rng: random.Random, level: int, step: int) -> Draft:
    """Where you end up after moving right/left and up/down from a point."""
    low = 0 if level < 5 else -6
    x, y = rng.randint(max(low, 1), 9), rng.randint(max(low, 1), 9)
    dx, dy = rng.randint(1, 6) * pick(rng, (1, -1)), rng.randint(1, 6) * pick(rng, (1, -1))
    if level < 5:
        dx, dy = (abs(dx) if x + dx < 0 else dx), (abs(dy) if y + dy < 0 else dy)
    words = f"{abs(dx)} {'right' if dx > 0 else 'left'} and {abs(dy)} {'up' if dy > 0 else 'down'}"
    ex, ey = x + dx, y + dy
    return Draft({"x": x, "y": y, "dx": dx, "dy": dy},
                 p(f"On a grid, start at the point {coord(x, y)}. Move {words}.",
                   "What are the coordinates of the point where you finish?"),
                 answer=coord(ex, ey), accepted=_coord_variants(ex, ey),
                 wrong=[coord(ey, ex), coord(x + dy, y + dx), coord(ex, y - dy), coord(x - dx, ey)])


@template("reflect_point", "GM", (4, 5, 6), "unistructural", ("single_choice", "short_text"),
          40,
          {4: "GM4-4", 5: "GM5-5", 6: "GM6-4"})
def reflect_point(rng: random.Random, level: int, step: int) -> Draft:
    """Image of a point under a reflection in an axis (or the line y = x at level 6)."""
    x, y = rng.randint(1, 9) * pick(rng, (1, -1)), rng.randint(1, 9) * pick(rng, (1, -1))
    while abs(x) == abs(y):
        y = rng.randint(1, 9) * pick(rng, (1, -1))
    lines = ("x-axis", "y-axis") if level < 6 else ("x-axis", "y-axis", "line y = x")
    line = pick(rng, lines)
    image = {"x-axis": (x, -y), "y-axis": (-x, y), "line y = x": (y, x)}
    wrong = [coord(*v) for k, v in image.items() if k != line] + [coord(-x, -y), coord(y, x),
                                                                  coord(-y, -x)]
    shown = line.replace("y = x", "<em>y</em> = <em>x</em>")
    return Draft({"x": x, "y": y, "line": line},
                 p(f"The point P is at {coord(x, y)}. It is reflected in the {shown}.",
                   "What are the coordinates of its image?"),
                 answer=coord(*image[line]), accepted=_coord_variants(*image[line]),
                 wrong=[w for w in wrong if w != coord(*image[line])])


@template("rotate_point", "GM", (6,), "relational", ("single_choice",), 75, {6: "GM6-4"})
def rotate_point(rng: random.Random, level: int, step: int) -> Draft:
    """Image of a point after a rotation about the origin."""
    x, y = rng.randint(1, 8) * pick(rng, (1, -1)), rng.randint(1, 8) * pick(rng, (1, -1))
    while abs(x) == abs(y):
        y = rng.randint(1, 8) * pick(rng, (1, -1))
    turn = pick(rng, ("90° clockwise", "90° anticlockwise", "180°"))
    image = {"90° clockwise": (y, -x), "90° anticlockwise": (-y, x), "180°": (-x, -y)}
    answer = coord(*image[turn])
    wrong = [coord(*v) for k, v in image.items() if k != turn] + [coord(x, -y), coord(y, x)]
    return Draft({"x": x, "y": y, "turn": turn},
                 p(f"The point Q is at {coord(x, y)}. It is rotated {turn} about the origin"
                   " (0, 0). What are the coordinates of its image?"),
                 answer=answer, wrong=[w for w in wrong if w != answer][:3])


@template("pythagoras", "GM", (6,), "multistructural", ("numeric",), 70, {6: "GM6-2"})
def pythagoras(rng: random.Random, level: int, step: int) -> Draft:
    """Hypotenuse of a right-angled triangle, or a shorter side at 6A."""
    a, b, c = pick(rng, ((3, 4, 5), (5, 12, 13), (8, 15, 17), (7, 24, 25), (20, 21, 29)))
    k = rng.randint(1, 4)
    a, b, c = a * k, b * k, c * k
    if step == 2:
        return Draft({"kind": "leg", "hypotenuse": c, "leg": b},
                     p(f"A right-angled triangle has a longest side of {c} cm and another side"
                       f" of {b} cm. How long is the third side, in cm?"), value=a,
                     solo="relational")
    return Draft({"kind": "hypotenuse", "a": a, "b": b},
                 p(f"The two shorter sides of a right-angled triangle are {a} cm and {b} cm.",
                   "How long is the longest side, in cm?"), value=c, fmt=unit("cm"))
