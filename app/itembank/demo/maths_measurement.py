"""Measurement templates: length, perimeter, area, volume, units and scale."""

from __future__ import annotations

import random

from app.itembank.demo.common import (
    NAMES,
    Draft,
    dec,
    dstr,
    fmt_num,
    p,
    pick,
    template,
    unit,
    with_article,
)

ANY = ("numeric", "single_choice")
CONVERSIONS = {
    2: (("m", "cm"), ("cm", "mm"), ("kg", "g"), ("L", "mL")),
    3: (("m", "cm"), ("kg", "g"), ("cm", "m"), ("mL", "L"), ("km", "m")),
    4: (("g", "kg"), ("cm", "m"), ("mm", "cm"), ("m", "km"), ("L", "mL")),
    5: (("km", "m"), ("mL", "L"), ("t", "kg"), ("cm", "m"), ("mm", "m")),
}
TO_BASE = {"mm": dec("0.001"), "cm": dec("0.01"), "m": dec(1), "km": dec(1000), "g": dec(1),
           "kg": dec(1000), "t": dec(1_000_000), "mL": dec(1), "L": dec(1000)}


@template("rect_measure", "GM", (2, 3, 4, 5), "unistructural", ANY, 40,
          {2: "GM2-4", 3: "GM3-2", 4: "GM4-2", 5: "GM5-1"})
def rect_measure(rng: random.Random, level: int, step: int) -> Draft:
    """Perimeter or area of a rectangle (the other measure is the main distractor)."""
    kind = "perimeter" if level == 2 else pick(rng, ("perimeter", "area"))
    top = {2: 10, 3: 12, 4: 25, 5: 15}[level]
    length, width = sorted(rng.sample(range(2, top + 1), 2), reverse=True)
    width_d = dec(width) + (dec("0.5") if level == 5 else 0)
    u = "cm" if level < 4 else "m"
    area, perim = length * width_d, 2 * (length + width_d)
    value, other = (perim, area) if kind == "perimeter" else (area, perim)
    what = pick(rng, ("rectangle", "rectangular garden bed", "rectangular poster",
                      "rectangular mat"))
    return Draft(
        {"kind": kind, "length": length, "width": dstr(width_d)},
        p(f"{with_article(what, start=True)} is {length} {u} long and {fmt_num(width_d)} {u} wide.",
          f"What is its {kind}{' in ' + u + '²' if kind == 'area' else ' in ' + u}?"),
        value=value, fmt=unit(u + ("²" if kind == "area" else "")),
        wrong_values=[other, length + width_d, 2 * length + width_d, 4 * length],
        solo="multistructural" if level > 3 else "unistructural",
    )


@template("unit_convert", "GM", (2, 3, 4, 5), "unistructural", ANY, 30,
          {2: "GM2-1", 3: "GM3-1", 4: "GM4-1", 5: "GM5-4"})
def unit_convert(rng: random.Random, level: int, step: int) -> Draft:
    """Convert a measurement between metric units."""
    src, dst = pick(rng, CONVERSIONS[level])
    factor = TO_BASE[src] / TO_BASE[dst]
    size = {2: dec(rng.randint(2, 9)), 3: dec(rng.randint(4, 19)) / 2,
            4: dec(rng.randint(11, 999)) / 100, 5: dec(rng.randint(101, 9999)) / 1000}[level]
    amount = size if factor > 1 else size / factor
    return Draft({"amount": dstr(amount), "from": src, "to": dst},
                 p(f"How many {dst} are there in {fmt_num(amount)} {src}?"),
                 value=amount * factor, fmt=unit(dst),
                 wrong_values=[amount * factor * 10, amount * factor / 10, amount * 10])


@template("fence_posts", "GM", (2, 3, 4), "relational", ANY, 60,
          {2: "GM2-4", 3: "GM3-1", 4: "GM4-2"})
def fence_posts(rng: random.Random, level: int, step: int) -> Draft:
    """Posts along a straight fence (one more than the gaps) or around a paddock (as many)."""
    gap = pick(rng, (2, 5) if level == 2 else (2, 3, 4, 5, 10))
    who = pick(rng, NAMES)
    if level == 4 and step > 0:
        long, wide = gap * rng.randint(4, 15), gap * rng.randint(2, 8)
        return Draft({"kind": "loop", "gap": gap, "long": long, "wide": wide},
                     p(f"A rectangular paddock is {long} m long and {wide} m wide.",
                       f"{who} puts a fence post at each corner and one every {gap} m all the"
                       " way round. How many posts are there?"),
                     value=2 * (long + wide) // gap,
                     wrong_values=[2 * (long + wide) // gap + 1, 2 * (long + wide) // gap + 4,
                                   (long + wide) // gap])
    length = gap * rng.randint(3, 8 if level == 2 else 20)
    return Draft({"kind": "line", "gap": gap, "length": length},
                 p(f"{who} is building a straight fence {length} m long.",
                   f"There is a post at each end and a post every {gap} m along the fence.",
                   "How many posts are needed?"),
                 value=length // gap + 1,
                 wrong_values=[length // gap, length // gap + 2, length // gap - 1])


@template("perimeter_missing_side", "GM", (2, 3, 4), "relational", ANY, 60,
          {2: "GM2-4", 3: "GM3-2", 4: "GM4-2"})
def perimeter_missing_side(rng: random.Random, level: int, step: int) -> Draft:
    """Work back from a perimeter (or, at level 4, an area) to an unknown side."""
    kind = pick(rng, ("square", "rectangle") if level == 2 else ("rectangle",) if level == 3
                else ("rectangle", "area"))
    side, other = rng.randint(2, 9 + 4 * level), rng.randint(2, 9 + 4 * level)
    if kind == "square":
        return Draft({"kind": kind, "perimeter": 4 * side},
                     p(f"A square has a perimeter of {4 * side} cm.",
                       "How long is each side, in cm?"), value=side,
                     wrong_values=[2 * side, 4 * side - 4, side + 4])
    if kind == "area":
        return Draft({"kind": kind, "area": side * other, "side": side},
                     p(f"A rectangle has an area of {side * other} m².",
                       f"One side is {side} m long. How long is the other side, in m?"),
                     value=other, wrong_values=[side * other - side, side * other // 2, side])
    perim = 2 * (side + other)
    return Draft({"kind": kind, "perimeter": perim, "side": side},
                 p(f"A rectangle has a perimeter of {perim} cm.",
                   f"One side is {side} cm long. How long is the side next to it, in cm?"),
                 value=other, wrong_values=[perim - side, perim // 2, perim - 2 * side])


@template("volume_cuboid", "GM", (4, 5, 6), "multistructural", ("numeric",), 50,
          {4: "GM4-2", 5: "GM5-4", 6: "GM6-6"})
def volume_cuboid(rng: random.Random, level: int, step: int) -> Draft:
    """Volume of a box from its three dimensions."""
    dims = [dec(rng.randint(2, 12 if level == 4 else 20)) for _ in range(3)]
    if level == 6:
        dims[0] += dec("0.5")
    what = pick(rng, ("shoebox", "fish tank", "lunchbox", "storage box"))
    return Draft({"dims": [dstr(d) for d in dims]},
                 p(f"{with_article(what, start=True)} is {fmt_num(dims[0])} cm long,"
                   f" {fmt_num(dims[1])} cm wide and {fmt_num(dims[2])} cm high."
                   " What is its volume in cm³?"),
                 value=dims[0] * dims[1] * dims[2])


@template("volume_missing", "GM", (5, 6), "relational", ("numeric",), 75,
          {5: "GM5-4", 6: "GM6-6"})
def volume_missing(rng: random.Random, level: int, step: int) -> Draft:
    """A missing dimension from a volume, or the capacity of a tank in litres."""
    if level == 6 and step > 0:
        dims = [10 * rng.randint(2, 9) for _ in range(2)] + [10 * rng.randint(1, 6)]
        return Draft({"kind": "litres", "dims": dims},
                     p(f"A fish tank is {dims[0]} cm long, {dims[1]} cm wide and {dims[2]} cm"
                       " high. How many litres of water does it hold when full?",
                       "(1 litre = 1000 cm³)"),
                     value=dec(dims[0] * dims[1] * dims[2]) / 1000)
    length, width, height = (rng.randint(3, 15) for _ in range(3))
    volume = length * width * height
    return Draft({"kind": "height", "volume": volume, "length": length, "width": width},
                 p(f"A box has a volume of {volume} cm³. It is {length} cm long and {width} cm"
                   " wide. How high is it, in cm?"), value=height)


@template("composite_area", "GM", (4, 5, 6), "relational", ("numeric",), 90,
          {4: "GM4-2", 5: "GM5-1", 6: "GM6-6"})
def composite_area(rng: random.Random, level: int, step: int) -> Draft:
    """Area of an L-shape (a rectangle with a corner cut out) or a house shape."""
    big_w, big_h = rng.randint(8, 20), rng.randint(6, 16)
    if level == 6 and step != 1:
        roof = 2 * rng.randint(2, 6)
        return Draft({"kind": "house", "width": big_w, "height": big_h, "roof": roof},
                     p(f"The front of a whare is a rectangle {big_w} m wide and {big_h} m high,"
                       f" with a triangular roof on top that is {big_w} m wide and {roof} m"
                       " high. What is the total area of the front, in m²?"),
                     value=big_w * big_h + dec(big_w * roof) / 2)
    cut_w, cut_h = rng.randint(2, big_w - 3), rng.randint(2, big_h - 3)
    return Draft({"kind": "l_shape", "width": big_w, "height": big_h, "cut_w": cut_w,
                  "cut_h": cut_h},
                 p(f"A garden is an L-shape. It is a rectangle {big_w} m by {big_h} m with"
                   f" {with_article(f'{cut_w} m by {cut_h} m')} rectangle cut out of one corner.",
                   "What is the area of the garden, in m²?"),
                 value=big_w * big_h - cut_w * cut_h)


@template("area_triangle", "GM", (5, 6), "multistructural", ANY, 50,
          {5: "GM5-1", 6: "GM6-6"})
def area_triangle(rng: random.Random, level: int, step: int) -> Draft:
    """Area of a triangle from base and perpendicular height (forgetting ½ is the trap)."""
    base, height = rng.randint(3, 20), rng.randint(3, 20)
    if level == 6:
        base, height = base + 10, height + 5
    return Draft({"base": base, "height": height},
                 p(f"A triangle has a base of {base} cm and a perpendicular height of"
                   f" {height} cm. What is its area in cm²?"),
                 value=dec(base * height) / 2, fmt=unit("cm²"),
                 wrong_values=[base * height, base + height, 2 * (base + height),
                               dec(base * height) / 4])


@template("circle_measure", "GM", (6,), "multistructural", ("numeric",), 70, {6: "GM6-1"})
def circle_measure(rng: random.Random, level: int, step: int) -> Draft:
    """Circumference or area of a circle with π = 3.14."""
    kind, given = pick(rng, ("circumference", "area")), pick(rng, ("radius", "diameter"))
    size = rng.randint(2, 15) * (2 if given == "diameter" else 1)
    radius = dec(size) / (2 if given == "diameter" else 1)
    value = dec("3.14") * (2 * radius if kind == "circumference" else radius * radius)
    return Draft({"kind": kind, "given": given, "size": size},
                 p(f"A circle has {with_article(given)} of {size} cm."
                   f" Using π = 3.14, what is its {kind}",
                   f"in {'cm' if kind == 'circumference' else 'cm²'}?"),
                 value=value, tolerance=0.01)


@template("area_perimeter_possible", "GM", (5, 6), "extended_abstract", ("multiple_choice",), 120,
          {5: "GM5-1", 6: "GM6-6"})
def area_perimeter_possible(rng: random.Random, level: int, step: int) -> Draft:
    """Which perimeters are possible for a rectangle of given area with whole-number sides."""
    area = pick(rng, (24, 30, 36, 40, 48) if level == 5 else (60, 64, 72, 80, 90, 96, 100))
    possible = sorted({2 * (w + area // w) for w in range(1, area + 1) if area % w == 0})
    right = rng.sample(possible, 2 + (len(possible) > 4 and step == 2))
    impossible = [q for q in range(10, max(possible), 2) if q not in possible]
    pool = [q for q in dict.fromkeys((area, *impossible[:20])) if q not in possible]
    wrong = rng.sample(pool, 5 - len(right))
    return Draft({"area": area},
                 p(f"A rectangle has an area of {area} cm². Its sides are whole numbers of"
                   " centimetres. Which of these could be its perimeter?",
                   "Choose <strong>all</strong> that could be right."),
                 choices=[(f"{q} cm", True) for q in right] + [(f"{q} cm", False) for q in wrong])


@template("scale_map", "GM", (5, 6), "relational", ("numeric",), 75, {5: "GM5-3", 6: "GM6-6"})
def scale_map(rng: random.Random, level: int, step: int) -> Draft:
    """Map distance to real distance (and back at level 6)."""
    scale = pick(rng, (25_000, 50_000, 100_000, 200_000, 250_000))
    places = pick(rng, (("Ōhope", "Whakatāne"), ("Raglan", "Ngāruawāhia"),
                        ("Kaikōura", "Clarence"), ("Paihia", "Kerikeri")))
    if level == 6 and step > 0:
        km = dec(scale) * rng.randint(2, 24) / 100_000
        return Draft({"kind": "to_map", "scale": scale, "km": dstr(km)},
                     p(f"{places[0]} and {places[1]} are {fmt_num(km)} km apart.",
                       f"How far apart are they on a map with a scale of 1 : {fmt_num(scale)},"
                       " in cm?"), value=km * 100_000 / scale)
    cm = dec(rng.randint(2, 30)) / (2 if level == 6 else 1)
    return Draft({"kind": "to_real", "scale": scale, "cm": dstr(cm)},
                 p(f"On a map with a scale of 1 : {fmt_num(scale)}, {places[0]} and {places[1]}"
                   f" are {fmt_num(cm)} cm apart. How far apart are they in real life, in km?"),
                 value=cm * scale / 100_000)
