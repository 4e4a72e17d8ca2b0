"""Time and rate templates: clock times, 24-hour time, elapsed time, timetables and speed."""

from __future__ import annotations

import random

from app.itembank.demo.common import Draft, dec, dstr, fmt_num, p, pick, template, unit


def clock(minutes: int) -> str:
    """Minutes after midnight as a 12-hour clock face reading, e.g. ``4:05``."""
    hour = minutes // 60 % 12 or 12
    return f"{hour}:{minutes % 60:02d}"


def ampm(minutes: int) -> str:
    """Minutes after midnight as ``4:05 pm`` style time."""
    return f"{clock(minutes)} {'am' if minutes % 1440 < 720 else 'pm'}"


def _as_decimal(minutes: int) -> int:
    """A 24-hour time read as a plain number (9:45 → 945): the 'minutes as decimals' slip."""
    return minutes // 60 * 100 + minutes % 60


def h24(minutes: int) -> str:
    """Minutes after midnight as 24-hour time, e.g. ``16:05``."""
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


@template("time_after", "GM", (2, 3), "multistructural", ("single_choice", "short_text"), 40,
          {2: "GM2-5", 3: "GM3-3"})
def time_after(rng: random.Random, level: int, step: int) -> Draft:
    """What the clock reads some minutes later (the '3:70' error is the main distractor)."""
    if level == 2:
        start, add = 60 * rng.randint(1, 11) + 15 * rng.randint(0, 3), 15 * rng.randint(1, 3)
    else:
        start, add = 60 * rng.randint(1, 11) + 5 * rng.randint(1, 11), 5 * rng.randint(2, 11)
    end, hour, minute = start + add, start // 60 % 12 or 12, start % 60
    naive = f"{hour}:{minute + add}" if minute + add >= 60 else clock(end + 60)
    return Draft({"start": start, "add": add},
                 p(f"The clock says {clock(start)}.",
                   f"What time will it say in {add} minutes?"),
                 answer=clock(end), wrong=[naive, clock(end - 60), clock(end + 10)],
                 accepted=[clock(end).replace(":", ".")])


@template("time_24h", "GM", (3, 4), "unistructural", ("single_choice", "short_text"), 30,
          {3: "GM3-3", 4: "GM4-5"})
def time_24h(rng: random.Random, level: int, step: int) -> Draft:
    """Convert between 12-hour and 24-hour time."""
    direction = pick(rng, ("to24", "to12"))
    if direction == "to24":
        t = 60 * rng.randint(13, 23) + 5 * rng.randint(1, 11)
        return Draft({"direction": direction, "minutes": t},
                     p(f"Write {ampm(t)} in 24-hour time."),
                     answer=h24(t), accepted=[h24(t).replace(":", ""), h24(t).replace(":", ".")],
                     wrong=[f"{t // 60 - 12:02d}:{t % 60:02d}", h24(t - 120), h24(t + 60)])
    t = 60 * rng.randint(1, 23) + 5 * rng.randint(1, 11)
    flip = t + 720 if t < 720 else t - 720
    return Draft({"direction": direction, "minutes": t}, p(f"Write {h24(t)} as am or pm time."),
                 answer=ampm(t), accepted=[ampm(t).replace(" ", ""), ampm(t).replace(":", ".")],
                 wrong=[ampm(flip), ampm(t - 120), ampm(t + 60)])


@template("elapsed_time", "GM", (3, 4, 5), "multistructural", ("numeric", "single_choice"), 50,
          {3: "GM3-3", 4: "GM4-5", 5: "GM5-6"})
def elapsed_time(rng: random.Random, level: int, step: int) -> Draft:
    """Minutes between two times, across the hour (and across noon at level 5)."""
    gap = {3: rng.randint(3, 11) * 5, 4: rng.randint(7, 30) * 5, 5: rng.randint(13, 60) * 5}[level]
    start = (660 if level == 5 else 480) + 5 * rng.randint(1, 11) - (gap // 2 if level == 5 else 0)
    trip = pick(rng, ("The bus to Rotorua", "The ferry to Waiheke", "Te Huia train",
                      "The school trip van"))
    return Draft({"start": start, "end": start + gap},
                 p(f"{trip} leaves at {ampm(start)} and arrives at {ampm(start + gap)}.",
                   "How many minutes does the trip take?"), value=gap, fmt=unit("minutes"),
                 wrong_values=[_as_decimal(start + gap) - _as_decimal(start), gap + 60,
                               gap - 10 if gap > 10 else gap + 20])


@template("timetable", "GM", (3, 4, 5), "relational", ("single_choice",), 70,
          {3: "GM3-3", 4: "GM4-5", 5: "GM5-6"})
def timetable(rng: random.Random, level: int, step: int) -> Draft:
    """Arrival time from a departure time and a journey length in hours and minutes."""
    start = 60 * rng.randint(7, 10 + level) + 5 * rng.randint(1, 11)
    hours, mins = rng.randint(1, level - 1), 5 * rng.randint(5, 11)
    end = start + 60 * hours + mins
    journey = pick(rng, ("The ferry to Rangitoto", "The Interislander", "The bus to Taupō",
                         "A flight to Invercargill"))
    return Draft({"start": start, "hours": hours, "minutes": mins},
                 p(f"{journey} leaves at {ampm(start)}.",
                   f"The journey takes {hours} h {mins} min. What time does it arrive?"),
                 answer=ampm(end), wrong=[ampm(end - 60), ampm(end + 60), ampm(end - 40)])


@template("speed", "GM", (6,), "relational", ("numeric", "single_choice"), 80, {6: "GM6-3"})
def speed(rng: random.Random, level: int, step: int) -> Draft:
    """Speed, distance and time with a journey time in hours and minutes."""
    kind = ("speed", "distance", "time")[step]
    kmh, minutes = 5 * rng.randint(2, 20), 15 * rng.randint(2, 10)
    km = dec(kmh) * minutes / 60
    who = pick(rng, ("A cyclist on the Otago Rail Trail", "A waka ama crew", "A tractor",
                     "A runner in the Rotorua marathon"))
    duration = " ".join(f"{n} {u}" for n, u in ((minutes // 60, "h"), (minutes % 60, "min")) if n)
    misread = minutes // 60 + dec(minutes % 60) / 100  # "1 h 30 min" read as 1.30 hours
    if kind == "speed":
        text = f"{who} travels {fmt_num(km)} km in {duration}. What is the average speed in km/h?"
        return Draft({"kind": kind, "km": dstr(km), "minutes": minutes}, p(text), value=kmh,
                     wrong_values=[round(km / misread, 1), km, 2 * kmh],
                     fmt=lambda v: f"{fmt_num(v)} km/h")
    if kind == "distance":
        text = f"{who} travels at an average speed of {kmh} km/h for {duration}. How many km?"
        return Draft({"kind": kind, "kmh": kmh, "minutes": minutes}, p(text), value=km,
                     wrong_values=[kmh * misread, kmh * max(1, minutes // 60), km + kmh],
                     fmt=lambda v: f"{fmt_num(v)} km")
    text = f"{who} travels {fmt_num(km)} km at an average speed of {kmh} km/h. How many minutes?"
    return Draft({"kind": kind, "km": dstr(km), "kmh": kmh}, p(text), value=minutes,
                 wrong_values=[(km / kmh * 100).quantize(dec(1)), minutes + 60, minutes - 15],
                 fmt=lambda v: f"{fmt_num(v)} min")
