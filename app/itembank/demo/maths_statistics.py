"""Statistics templates: data tables, summary statistics and statements about data."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from statistics import median, mode

from app.itembank.demo.common import Draft, dec, fmt_num, p, pick, table, template


@dataclass(frozen=True)
class Survey:
    """A category survey and how its questions are worded."""

    title: str
    heading: str
    names: tuple[str, ...]
    counted: str = "Number of students"
    read: str = "How many students chose {a}?"
    more: str = "How many more students chose {a} than {b}?"
    total: str = "How many students answered altogether?"
    most: str = "Which {h} was chosen the <strong>{ask}</strong>?"
    extra: str = "Then {n} more students chose {a}."


TABLES = (
    Survey("Favourite fruit in Room 7", "fruit",
           ("apple", "banana", "feijoa", "kiwifruit", "mandarin")),
    Survey("Birds seen in the school garden", "bird",
           ("tūī", "pīwakawaka", "kererū", "kākā", "ruru", "korimako"), "Number seen",
           "How many {a} were seen?", "How many more {a} than {b} were seen?",
           "How many birds were seen altogether?",
           "Which bird was seen the <strong>{ask}</strong>?", "Then {n} more {a} were seen."),
    Survey("Favourite gala food", "food", ("sausage sizzle", "sushi", "pie", "hāngī",
                                           "fruit salad")),
    Survey("Favourite winter sport", "sport",
           ("rugby", "netball", "football", "hockey", "basketball")),
    Survey("Votes for the class trip", "trip",
           ("museum", "beach", "marae visit", "zoo", "bush walk")),
)
SAMPLES = (
    "Goals scored by the Kōwhai netball team in {n} games",
    "Number of tūī seen each day for {n} days",
    "Points scored by Ruby in {n} basketball games",
    "Millimetres of rain in Hokitika on {n} days",
    "Number of books read by {n} students in the holidays",
)


def _survey(rng: random.Random, level: int) -> tuple[Survey, list[str], list[int]]:
    """A survey with four categories and distinct counts."""
    survey = pick(rng, TABLES)
    top = {2: 12, 3: 30, 4: 80}[min(level, 4)]
    cats = rng.sample(survey.names, 4)
    counts = rng.sample(range(2 if level == 2 else 5, top + 1), 4)
    return survey, cats, counts


def _survey_html(survey: Survey, cats: list[str], counts: list[int]) -> str:
    rows = [[c, n] for c, n in zip(cats, counts, strict=True)]
    return p(f"<strong>{survey.title}</strong>") + table(
        [survey.heading.capitalize(), survey.counted], rows)


@template("table_question", "ST", (2, 3, 4), "unistructural", ("numeric", "single_choice"), 45,
          {2: "ST2-1", 3: "ST3-1", 4: "ST4-3"})
def table_question(rng: random.Random, level: int, step: int) -> Draft:
    """Read a value, a difference or a total from a table."""
    survey, cats, counts = _survey(rng, level)
    kind = ("read", "difference", "total" if level > 2 else "difference")[step]
    i, j = sorted(rng.sample(range(4), 2), key=lambda k: -counts[k])
    a, b = cats[i], cats[j]
    question, value, wrong = {
        "read": (survey.read, counts[i], [counts[j], max(counts), counts[i] + 1]),
        "difference": (survey.more, counts[i] - counts[j],
                       [counts[i] + counts[j], counts[i], counts[j]]),
        "total": (survey.total, sum(counts),
                  [sum(counts) - counts[i], sum(counts) + 10, max(counts) * 4]),
    }[kind]
    return Draft({"kind": kind, "categories": cats, "counts": counts, "a": a, "b": b},
                 _survey_html(survey, cats, counts) + p(question.format(a=a, b=b)),
                 value=value, wrong_values=wrong,
                 solo="unistructural" if kind == "read" else "multistructural")


@template("table_most", "ST", (2, 3), "unistructural", ("single_choice", "short_text"), 30,
          {2: "ST2-1", 3: "ST3-1"})
def table_most(rng: random.Random, level: int, step: int) -> Draft:
    """The most or least popular category in a table."""
    survey, cats, counts = _survey(rng, level)
    ask = pick(rng, ("most", "least"))
    chosen = cats[counts.index(max(counts) if ask == "most" else min(counts))]
    return Draft({"ask": ask, "categories": cats, "counts": counts},
                 _survey_html(survey, cats, counts) +
                 p(survey.most.format(h=survey.heading, ask=ask)),
                 answer=chosen, wrong=[c for c in cats if c != chosen])


@template("table_whatif", "ST", (2, 3, 4), "relational", ("single_choice",), 70,
          {2: "ST2-2", 3: "ST3-1", 4: "ST4-3"})
def table_whatif(rng: random.Random, level: int, step: int) -> Draft:
    """Which category would be most popular after some extra votes (enough, or not enough)."""
    survey, cats, counts = _survey(rng, level)
    leader = counts.index(max(counts))
    target = pick(rng, [k for k in range(4) if k != leader])
    gap = counts[leader] - counts[target]
    extra = gap + rng.randint(1, 3) if gap < 3 or rng.random() < 0.5 else rng.randint(2, gap - 1)
    new = [c + (extra if k == target else 0) for k, c in enumerate(counts)]
    answer = cats[new.index(max(new))]
    return Draft({"categories": cats, "counts": counts, "target": cats[target], "extra": extra},
                 _survey_html(survey, cats, counts) +
                 p(survey.extra.format(n=extra, a=cats[target]),
                   f"Which {survey.heading} has the highest number now?"),
                 answer=answer, wrong=[c for c in cats if c != answer])


def _single_mode(data: list[int]) -> bool:
    counts = [data.count(v) for v in set(data)]
    return max(counts) >= 2 and counts.count(max(counts)) == 1


def _sample(rng: random.Random, level: int, n: int, mean: str = "any") -> list[int]:
    """Small whole-number data with a single mode; ``mean`` is "any", "whole" or "half"."""
    top = 12 if level < 5 else 30
    while True:
        data = [rng.randint(1, top) for _ in range(n - 1)]
        data.append(data[rng.randrange(n - 1)])
        while (mean == "whole" and sum(data) % n) or (mean == "half" and 2 * sum(data) % n):
            data[rng.randrange(n)] += 1
        if _single_mode(data):
            rng.shuffle(data)
            return data


@template("stat_simple", "ST", (3, 4, 5, 6), "unistructural", ("numeric", "single_choice"), 50,
          {3: "ST3-2", 4: "ST4-1", 5: "ST5-1", 6: "ST6-1"})
def stat_simple(rng: random.Random, level: int, step: int) -> Draft:
    """Mode, range, mean or median of a small data set."""
    stat = pick(rng, {3: ("mode", "range"), 4: ("mode", "range", "mean", "median"),
                      5: ("mean", "median", "range"), 6: ("mean", "median")}[level])
    n = rng.randint(5, 7) if level < 6 else pick(rng, (6, 8))
    data = _sample(rng, level, n, "any" if stat != "mean" else "half" if level == 6 else "whole")
    stats: dict[str, Decimal] = {
        "mode": dec(mode(data)), "range": dec(max(data) - min(data)),
        "mean": dec(sum(data)) / n, "median": dec(str(median(data))),
    }
    wrong = [v for k, v in stats.items() if k != stat]
    wrong += [dec(data[n // 2]), dec(max(data)), dec(sum(data))]
    context = pick(rng, SAMPLES).format(n=n)
    return Draft({"stat": stat, "data": data},
                 p(f"{context}: {', '.join(map(str, data))}.", f"What is the {stat}?"),
                 value=stats[stat], wrong_values=[w for w in wrong if w != stats[stat]],
                 solo="unistructural" if stat in ("mode", "range") else "multistructural")


def _statements(rng: random.Random, data: list[int]) -> list[tuple[str, bool]]:
    """True and false statements about a data set, built from typical slips."""
    n = len(data)
    mean, med = dec(sum(data)) / n, dec(str(median(data)))
    true = [f"The range is {max(data) - min(data)}.", f"The median is {fmt_num(med)}.",
            f"The mode is {mode(data)}.", f"The mean is {fmt_num(mean)}."]
    true.append(f"The {'mean' if mean > med else 'median'} is greater than the"
                f" {'median' if mean > med else 'mean'}." if mean != med else
                "The mean and the median are equal.")
    false = [f"The range is {max(data)}.", f"The mean is {fmt_num(mean + 1)}.",
             f"The mode is {pick(rng, [v for v in data if v != mode(data)])}.",
             f"The median is {fmt_num(med + 2)}."]
    if data[n // 2] != med:
        false.append(f"The median is {data[n // 2]}.")
    return [(s, True) for s in true] + [(s, False) for s in false]


@template("data_statements", "ST", (4, 5, 6), "extended_abstract", ("multiple_choice",), 150,
          {4: "ST4-3", 5: "ST5-2", 6: "ST6-2"})
def data_statements(rng: random.Random, level: int, step: int) -> Draft:
    """Select every true statement about a data set."""
    n = 7 if level == 4 else 8
    data = _sample(rng, level, n, "whole" if level == 4 else "half")
    pool = list(dict.fromkeys(_statements(rng, data)))
    n_true = 2 + (step == 2)
    chosen = rng.sample([s for s in pool if s[1]], n_true)
    chosen += rng.sample([s for s in pool if not s[1]], 5 - n_true)
    context = pick(rng, SAMPLES).format(n=n)
    return Draft({"data": data},
                 p(f"{context}: {', '.join(map(str, data))}.",
                   "Which of these statements are true? Choose <strong>all</strong> the true"
                   " statements."), choices=chosen)


@template("compare_groups", "ST", (4, 5, 6), "relational", ("single_choice",), 120,
          {4: "ST4-1", 5: "ST5-2", 6: "ST6-2"})
def compare_groups(rng: random.Random, level: int, step: int) -> Draft:
    """Compare two teams by their means when they played different numbers of games."""
    a, b = rng.sample(("Kōwhai", "Rātā", "Pōhutukawa", "Kahikatea", "Tōtara"), 2)
    na, nb = rng.randint(4, 5), rng.randint(6, 8)
    ma, mb = rng.randint(8, 20), rng.randint(8, 20)
    while ma == mb:
        mb = rng.randint(8, 20)
    scores = [_spread(rng, ma, na), _spread(rng, mb, nb)]
    diff = abs(ma - mb)
    top, low = (a, b) if ma > mb else (b, a)
    return Draft({"names": [a, b], "scores": scores},
                 p(f"Team {a} scored {', '.join(map(str, scores[0]))} in their games.",
                   f"Team {b} scored {', '.join(map(str, scores[1]))} in their games.",
                   "Which statement about the mean scores is correct?"),
                 answer=f"{top}'s mean is {diff} more than {low}'s",
                 wrong=[f"{low}'s mean is {diff} more than {top}'s",
                        f"{top}'s mean is {diff + 2} more than {low}'s",
                        "The two teams have the same mean"])


def _spread(rng: random.Random, mean: int, n: int) -> list[int]:
    """``n`` whole numbers with the given mean (deviations come in balancing pairs)."""
    values = [mean] if n % 2 else []
    for _ in range(n // 2):
        gap = rng.randint(0, 5)
        values += [mean + gap, mean - gap]
    rng.shuffle(values)
    return values


@template("mean_missing", "ST", (5, 6), "relational", ("numeric",), 90,
          {5: "ST5-1", 6: "ST6-1"})
def mean_missing(rng: random.Random, level: int, step: int) -> Draft:
    """The missing value that gives a set of scores a stated mean."""
    n, mean = rng.randint(4, 6), rng.randint(10, 25)
    values = _spread(rng, mean, n)
    known, missing = values[:-1], values[-1]
    who = pick(rng, ("Sione", "Aroha", "Jun", "Mere"))
    return Draft({"mean": mean, "known": known},
                 p(f"{who} had {n} spelling tests. The mean score was {mean}.",
                   f"The first {n - 1} scores were {', '.join(map(str, known))}.",
                   "What was the last score?"), value=missing)


@template("freq_table_mean", "ST", (5, 6), "relational", ("numeric",), 120,
          {5: "ST5-1", 6: "ST6-1"})
def freq_table_mean(rng: random.Random, level: int, step: int) -> Draft:
    """Mean from a frequency table."""
    total = pick(rng, (10, 20, 25) if level == 5 else (20, 25, 40, 50))
    cuts = sorted(rng.sample(range(1, total), 4))
    freqs = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
    values = list(range(5))
    what = pick(rng, ("pets", "brothers and sisters", "cousins at the school"))
    mean = dec(sum(v * f for v, f in zip(values, freqs, strict=True))) / total
    return Draft({"values": values, "freqs": freqs},
                 p(f"A class survey asked students how many {what} they have.") +
                 table([f"Number of {what}", "Number of students"],
                       [[v, f] for v, f in zip(values, freqs, strict=True)]) +
                 p("What is the mean number per student? Give your answer as a decimal."),
                 value=mean, tolerance=0.0)

