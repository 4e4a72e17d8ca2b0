"""The demo bank's content: deterministic, well formed, safe, and spread the way Kete needs."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from html.parser import HTMLParser
from statistics import mean
from typing import Any

import numpy as np
import pytest

from app.itembank.demo import demo_bank

Bank = dict[str, Any]
SUBLEVELS = [f"{level}{band}" for level in range(2, 7) for band in "BPA"]
FIELDS = {"code", "subject", "kind", "strand", "objective", "sublevel", "solo", "response_type",
          "stem_html", "options", "key", "max_score", "expected_time_s", "passage",
          "enemy_group", "family", "attitude_scale", "status", "metadata"}
SOLO = {"unistructural", "multistructural", "relational", "extended_abstract"}
DEEP = {"relational", "extended_abstract"}
TAGS = {"p", "strong", "em", "table", "tbody", "tr", "td", "th", "ul", "ol", "li", "br", "sub",
        "sup", "math", "mfrac", "mn", "mi", "mo", "msup", "mrow", "msqrt"}
VOID = {"br"}


@pytest.fixture(scope="module")
def bank() -> Bank:
    return demo_bank()


def achievement(bank: Bank, subject: str) -> list[dict[str, Any]]:
    return [i for i in bank["items"] if i["subject"] == subject and i["kind"] == "achievement"]


class _Checker(HTMLParser):
    """Collects problems: unknown tags, any attribute, unbalanced tags."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in TAGS or attrs:
            self.problems.append(f"<{tag} {attrs}>")
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.problems.append(f"</{tag}> out of place")


def html_problems(fragment: str) -> list[str]:
    checker = _Checker()
    checker.feed(fragment)
    checker.close()
    lowered = fragment.lower()
    bad = [w for w in ("<script", "style=", "javascript:") if w in lowered]
    bad += re.findall(r"\son\w+\s*=", lowered)
    return checker.problems + [f"unclosed {t}" for t in checker.open] + bad


def test_same_seed_gives_the_same_bank_and_another_seed_does_not(bank: Bank) -> None:
    again = demo_bank(2026)
    assert json.dumps(again, sort_keys=True) == json.dumps(bank, sort_keys=True)
    other = demo_bank(7)
    assert [i["code"] for i in other["items"]][:5] == [i["code"] for i in bank["items"]][:5]
    assert other["items"] != bank["items"] and other["parameters"] != bank["parameters"]


def test_bank_is_plain_json(bank: Bank) -> None:
    assert json.loads(json.dumps(bank)) == bank
    assert set(bank) == {"frameworks", "scales", "passages", "families", "items", "parameters"}


def test_codes_are_unique_and_stable_looking(bank: Bank) -> None:
    codes = [i["code"] for i in bank["items"]]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[A-Z]{2}-[A-Z0-9]{2,3}-\d{2,4}", c) for c in codes)
    passages = [p["code"] for p in bank["passages"]]
    assert len(passages) == len(set(passages))
    assert [p["code"] for p in bank["parameters"]] == codes


def test_items_have_exactly_the_import_fields(bank: Bank) -> None:
    for item in bank["items"]:
        assert set(item) == FIELDS, item["code"]
        assert item["status"] in {"draft", "trial", "operational"}
        if item["kind"] == "attitude":
            assert item["response_type"] == "likert" and item["attitude_scale"]
            assert item["strand"] is item["objective"] is item["sublevel"] is item["solo"] is None
        else:
            assert item["solo"] in SOLO and item["attitude_scale"] is None
            assert 20 <= item["expected_time_s"] <= 180, item["code"]


def test_references_resolve_and_objectives_match_the_level(bank: Bank) -> None:
    frameworks = {f["subject"]["code"]: f for f in bank["frameworks"]}
    passages = {p["code"]: p for p in bank["passages"]}
    for item in bank["items"]:
        framework = frameworks[item["subject"]]
        if item["kind"] == "attitude":
            continue
        objectives = {o["code"]: o for o in framework["objectives"]}
        objective = objectives[item["objective"]]
        assert item["strand"] in {s["code"] for s in framework["strands"]}
        assert objective["strand"] == item["strand"], item["code"]
        assert objective["level"] == int(item["sublevel"][0]), item["code"]
        assert item["sublevel"] in {lv["code"] for lv in framework["levels"]}
        if item["passage"]:
            assert passages[item["passage"]]["subject"] == item["subject"]


def test_keys_fit_their_response_types(bank: Bank) -> None:
    for item in bank["items"]:
        kind, key, ids = item["response_type"], item["key"], [o["id"] for o in item["options"]]
        assert len(ids) == len(set(ids)), item["code"]
        assert len({o["html"] for o in item["options"]}) == len(ids), item["code"]
        if kind == "single_choice":
            assert set(key) == {"correct"} and key["correct"] in ids and item["max_score"] == 1
        elif kind == "multiple_choice":
            assert set(key["correct"]) < set(ids) and key["partial_credit"] is True
            assert item["max_score"] == len(key["correct"]) >= 2, item["code"]
        elif kind == "numeric":
            assert ids == [] and item["max_score"] == 1 and key["tolerance"] >= 0
            assert isinstance(key["value"], int | float) and not isinstance(key["value"], bool)
        elif kind == "short_text":
            assert ids == [] and item["max_score"] == 1 and key["case_sensitive"] is False
            assert key["accepted"] and all(a.strip() == a and a for a in key["accepted"])
        else:
            assert ids == ["A", "B", "C", "D"] and item["max_score"] == 3
            scores = [key["scores"][i] for i in ids]
            assert scores in ([0, 1, 2, 3], [3, 2, 1, 0]), item["code"]


def test_right_answers_are_spread_over_the_option_letters(bank: Bank) -> None:
    for subject in ("mathematics", "reading"):
        four = [i for i in achievement(bank, subject)
                if i["response_type"] == "single_choice" and len(i["options"]) == 4]
        letters = Counter(i["key"]["correct"] for i in four)
        assert all(0.2 <= letters[x] / len(four) <= 0.3 for x in "ABCD"), (subject, letters)


def test_all_html_is_safe_and_well_formed(bank: Bank) -> None:
    fragments = [(i["code"], i["stem_html"]) for i in bank["items"]]
    fragments += [(i["code"], o["html"]) for i in bank["items"] for o in i["options"]]
    fragments += [(p["code"], p["body_html"]) for p in bank["passages"]]
    problems = [(code, found) for code, text in fragments if (found := html_problems(text))]
    assert not problems, problems[:5]
    assert html_problems('<p onclick="x()">hi</p><script>') != []


def test_content_survives_the_bank_sanitiser_unchanged(bank: Bank) -> None:
    sanitise = pytest.importorskip("app.itembank.html").sanitise
    fragments = [i["stem_html"] for i in bank["items"]]
    fragments += [o["html"] for i in bank["items"] for o in i["options"]]
    fragments += [p["body_html"] for p in bank["passages"]]
    assert [f for f in fragments if sanitise(f) != f] == []


def test_maths_spread_over_strands_sublevels_solo_and_formats(bank: Bank) -> None:
    items = achievement(bank, "mathematics")
    assert len(items) >= 620
    cells = Counter((i["strand"], i["sublevel"]) for i in items)
    assert {s for s, _ in cells} == {"NA", "GM", "ST"} and len(cells) == 45
    assert min(cells.values()) >= 8
    deep = [i["solo"] in DEEP for i in items]
    assert 0.35 <= mean(deep) <= 0.45
    by_level = {lv: mean(i["solo"] in DEEP for i in items if i["sublevel"][0] == lv)
                for lv in "23456"}
    assert by_level["2"] < by_level["4"] < by_level["6"]
    formats = Counter(i["response_type"] for i in items)
    assert formats["single_choice"] > 0.3 * len(items) and formats["numeric"] > 0.2 * len(items)
    assert formats["multiple_choice"] >= 20 and formats["short_text"] >= 20
    assert len({i["metadata"]["template"] for i in items}) >= 25
    assert all(i["family"] == i["metadata"]["template"] for i in items)  # one template, one family
    independent = {f["code"] for f in bank["families"]}
    assert independent and independent < {i["family"] for i in items}
    assert all(not f["enemies"] and f["note"] for f in bank["families"])


def test_reading_passages_and_item_sets(bank: Bank) -> None:
    passages, items = bank["passages"], achievement(bank, "reading")
    assert len(passages) >= 22 and len(items) >= 210
    per_passage = Counter(i["passage"] for i in items)
    assert set(per_passage) == {p["code"] for p in passages}
    assert all(9 <= n <= 11 for n in per_passage.values())
    lengths: dict[str, list[int]] = defaultdict(list)
    for passage in passages:
        words = re.sub(r"<[^>]+>", " ", passage["body_html"]).split()
        assert passage["word_count"] == sum(bool(re.search(r"\w", w)) for w in words)
        assert 150 <= passage["word_count"] <= 450, passage["code"]
        lengths[passage["sublevel"][0]].append(passage["word_count"])
    averages = [mean(lengths[lv]) for lv in "23456"]
    assert averages == sorted(averages)
    rank = {code: n for n, code in enumerate(SUBLEVELS)}
    home = {p["code"]: p["sublevel"] for p in passages}
    assert all(abs(rank[i["sublevel"]] - rank[home[i["passage"]]]) <= 1 for i in items)
    assert {i["strand"] for i in items} == {"FI", "KN", "UN", "CO"}
    formats = Counter(i["response_type"] for i in items)
    assert formats["single_choice"] > 0.6 * len(items)
    assert formats["short_text"] >= 10 and formats["multiple_choice"] >= 5
    assert 0.3 <= mean(i["solo"] in DEEP for i in items) <= 0.5


def test_attitude_sets(bank: Bank) -> None:
    likert = [i for i in bank["items"] if i["kind"] == "attitude"]
    for subject in ("mathematics", "reading"):
        mine = [i for i in likert if i["subject"] == subject]
        assert len(mine) >= 8 and len({i["attitude_scale"] for i in mine}) >= 2
        assert any(i["key"]["scores"]["A"] == 3 for i in mine)
        assert len({i["stem_html"] for i in mine}) == len(mine)


def test_enemy_groups(bank: Bank) -> None:
    groups: dict[str, list[dict]] = defaultdict(list)
    for item in bank["items"]:
        if item["enemy_group"]:
            groups[item["enemy_group"]].append(item)
    assert len(groups) >= 10
    assert {i["subject"] for g in groups.values() for i in g} == {"mathematics", "reading"}
    for members in groups.values():
        assert len(members) >= 2 and len({i["subject"] for i in members}) == 1
        assert len({i["passage"] for i in members}) == 1


def test_status_mix(bank: Bank) -> None:
    status = Counter(i["status"] for i in bank["items"] if i["kind"] == "achievement")
    total = sum(status.values())
    assert 0.05 <= status["trial"] / total <= 0.12
    assert 1 <= status["draft"] <= 0.03 * total


def test_generating_parameters_follow_the_item_types(bank: Bank) -> None:
    for item, par in zip(bank["items"], bank["parameters"], strict=True):
        assert 0.4 <= par["a"] <= 2.5
        if item["max_score"] > 1:
            assert set(par) == {"code", "model", "a", "steps"} and par["model"] == "gpcm"
            assert len(par["steps"]) == item["max_score"]
            assert all(x < y for x, y in zip(par["steps"], par["steps"][1:], strict=False))
        elif item["response_type"] == "single_choice":
            assert par["model"] == "3pl" and abs(par["c"] - 0.8 / len(item["options"])) < 0.1
        else:
            assert par["model"] == "2pl" and par["c"] == 0.0
        if par["model"] != "gpcm":
            assert set(par) == {"code", "model", "a", "b", "c"}


def _difficulty(par: dict[str, Any]) -> float:
    return par["b"] if "b" in par else float(np.mean(par["steps"]))


def test_difficulty_rises_with_sublevel_and_depth(bank: Bank) -> None:
    pairs = [(i, p) for i, p in zip(bank["items"], bank["parameters"], strict=True)
             if i["kind"] == "achievement"]
    by_sub = [mean(_difficulty(p) for i, p in pairs if i["sublevel"] == s) for s in SUBLEVELS]
    assert by_sub == sorted(by_sub) and by_sub[0] < -2 and by_sub[-1] > 2
    deep = mean(_difficulty(p) - by_sub[SUBLEVELS.index(i["sublevel"])] for i, p in pairs
                if i["solo"] in DEEP)
    assert deep > 0


def _information(par: dict[str, Any], theta: float) -> float:
    a, b, c = par["a"], par["b"], par["c"]
    prob = c + (1 - c) / (1 + np.exp(-a * (theta - b)))
    return a * a * ((prob - c) / (1 - c)) ** 2 * (1 - prob) / prob


def test_scales_match_the_generating_difficulties(bank: Bank) -> None:
    for subject, scale in bank["scales"].items():
        cuts = [scale["cuts"][s] for s in SUBLEVELS]
        assert list(scale["cuts"]) == SUBLEVELS and cuts == sorted(set(cuts))
        assert cuts[0] > 1000 and cuts[-1] < 2000
        pairs = [(i, p) for i, p in zip(bank["items"], bank["parameters"], strict=True)
                 if i["subject"] == subject and i["kind"] == "achievement"]
        # Each sublevel's items centre inside that sublevel's band (give or take half a band).
        edges = [(c - scale["intercept"]) / scale["slope"] for c in cuts]
        half = (edges[-1] - edges[0]) / (len(edges) - 1) / 2
        for n, sub in enumerate(SUBLEVELS):
            centre = mean(_difficulty(p) for i, p in pairs if i["sublevel"] == sub)
            upper = edges[n + 1] if n + 1 < len(edges) else np.inf
            assert edges[n] - half <= centre < upper + half, (subject, sub)
        # A 40-item test aimed at the middle of the population measures to e-asTTle precision.
        targeted = sorted((p for _, p in pairs if "b" in p), key=lambda p: abs(p["b"]))[:40]
        se = scale["slope"] / np.sqrt(sum(_information(p, 0.0) for p in targeted))
        assert 15 <= se <= 25, (subject, se)


def test_frameworks_cover_levels_two_to_six(bank: Bank) -> None:
    for framework in bank["frameworks"]:
        assert [lv["code"] for lv in framework["levels"]] == SUBLEVELS
        assert [lv["rank"] for lv in framework["levels"]] == list(range(1, 16))
        codes = [o["code"] for o in framework["objectives"]]
        assert len(codes) == len(set(codes))
        per_cell = Counter((o["strand"], o["level"]) for o in framework["objectives"])
        strands = {s["code"] for s in framework["strands"]}
        assert set(per_cell) == {(s, lv) for s in strands for lv in range(2, 7)}
        assert all(3 <= n <= 6 for n in per_cell.values())
