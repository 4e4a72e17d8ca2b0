"""The import picture between domain packages: no two import each other, directly or round
a loop, and the shared ``ui`` package imports none of them.

Every ``import app.<domain>…`` counts, including ones inside functions (a late import that
dodges a cycle at import time is still a cycle in the design).
"""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app"
DOMAINS = sorted(p.name for p in APP.iterdir() if (p / "__init__.py").is_file())


def _imported(module: ast.AST) -> list[tuple[str, int]]:
    """``(app.x.y, line)`` for every absolute import of Kete's own modules."""
    out = []
    for node in ast.walk(module):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = ([f"app.{a.name}" for a in node.names] if node.module == "app"
                     else [node.module])
            out += [(name, node.lineno) for name in names]
        elif isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names]
    return [(name, line) for name, line in out if name.startswith("app.")]


def import_graph() -> dict[tuple[str, str], list[str]]:
    """(importing domain, imported domain) → where, for every pair of different domains."""
    edges: dict[tuple[str, str], list[str]] = {}
    for domain in DOMAINS:
        for path in sorted((APP / domain).rglob("*.py")):
            for name, line in _imported(ast.parse(path.read_text(encoding="utf-8"))):
                target = name.split(".")[1]
                if target in DOMAINS and target != domain:
                    edges.setdefault((domain, target), []).append(
                        f"{path.relative_to(APP.parent)}:{line}")
    return edges


def cycles(edges: dict[tuple[str, str], list[str]]) -> list[list[str]]:
    """Groups of two or more domains that reach each other (strongly connected)."""
    nodes = sorted({n for pair in edges for n in pair})
    reach = {d: {b for a, b in edges if a == d} for d in nodes}
    changed = True
    while changed:
        changed = False
        for d in nodes:
            more = set().union(*(reach[n] for n in reach[d])) - reach[d]
            if more:
                reach[d] |= more
                changed = True
    groups = {frozenset({d} | {o for o in reach[d] if d in reach[o]}) for d in nodes}
    return sorted(sorted(g) for g in groups if len(g) > 1)


def test_the_graph_sees_late_imports() -> None:
    found = _imported(ast.parse("def f():\n    from app.delivery.models import Sitting\n"))
    assert found == [("app.delivery.models", 2)]
    loop = {("a", "b"): [], ("b", "c"): [], ("c", "a"): [], ("c", "d"): []}
    assert cycles(loop) == [["a", "b", "c"]]
    assert cycles({("a", "b"): [], ("b", "c"): []}) == []


def test_no_two_domain_packages_import_each_other() -> None:
    edges = import_graph()
    assert ("reports", "delivery") in edges  # the graph is read at all
    mutual = {f"{a} ⇄ {b}: {edges[(a, b)][:2]} / {edges[(b, a)][:2]}"
              for a, b in edges if (b, a) in edges and a < b}
    assert mutual == set()
    assert cycles(edges) == []


def test_ui_imports_no_domain() -> None:
    assert [where for (a, _), where in import_graph().items() if a == "ui"] == []
