"""An independent check of a multistage panel against its spec.

Like :mod:`app.assembly.check` (which it calls for each path), it shares nothing with the
panel's integer programme: it walks the modules with plain sets. A panel passes when every
module has its length, no item is in two modules, no passage is in two modules (so each stays
whole within one), and every path — one module per stage, in order — passes
:func:`~app.assembly.check.check_form` as a form of the spec.
"""

from __future__ import annotations

from app.assembly.check import CheckReport, CheckResult, check_form
from app.assembly.spec import Spec
from app.irt.adaptive.mst import Panel


def check_panel(spec: Spec, panel: Panel, module_length: int) -> CheckReport:
    """Structure checks, then each path's requirements (named ``path 1-2-0: C7 …``)."""
    results = [_lengths(panel, module_length), _no_repeats(panel), _passages_whole(spec, panel)]
    for path in panel.paths():
        label = "path " + "-".join(str(k + 1) for k in path)
        report = check_form(spec, panel.path_items(path))
        results += [CheckResult(r.cid, f"{label}: {r.name}", r.ok, r.detail)
                    for r in report.results]
    return CheckReport(tuple(results))


def _lengths(panel: Panel, module_length: int) -> CheckResult:
    wrong = [f"stage {s + 1} module {k + 1} has {len(module)}"
             for s, stage in enumerate(panel.modules) for k, module in enumerate(stage)
             if len(module) != module_length]
    detail = "; ".join(wrong) or f"every module has {module_length} items"
    return CheckResult("modules", "module lengths", not wrong, detail)


def _no_repeats(panel: Panel) -> CheckResult:
    seen: set[int] = set()
    twice: set[int] = set()
    for item in panel.items():
        (twice if item in seen else seen).add(item)
    detail = f"items at positions {sorted(twice)} appear twice" if twice else (
        f"{len(seen)} distinct items")
    return CheckResult("panel", "no item twice in the panel", not twice, detail)


def _passages_whole(spec: Spec, panel: Panel) -> CheckResult:
    home: dict[int, tuple[int, int]] = {}
    split = []
    for s, stage in enumerate(panel.modules):
        for k, module in enumerate(stage):
            for item in module:
                passage = int(spec.pool.stimulus_of[item])
                if passage < 0:
                    continue
                if home.setdefault(passage, (s, k)) != (s, k):
                    split.append(spec.pool.stimulus_ids[passage])
    detail = (f"passages in more than one module: {sorted(set(split))}" if split
              else f"{len(home)} passages, each within one module")
    return CheckResult("passages", "passages whole within a module", not split, detail)
