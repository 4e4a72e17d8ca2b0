"""``panel.json``: multistage panels as written by ``kete mst assemble`` and read by
``kete mst simulate``.

Items are named by their IDs (the ``item_id`` of the parameters file), so a panel can be
simulated with any parameter file that holds its items::

    {"format": "kete-mst-panel/1", "design": "1-3-3", "module_length": 8,
     "population": {"mean": 0.0, "sd": 1.0},
     "panels": [{"stages": [
         {"cuts": [], "modules": [{"name": "routing", "items": ["I0012", …]}]},
         {"cuts": [-0.61, 0.58], "modules": [{"name": "easy", "items": […]}, …]}, …]}]}

``cuts`` are the θ cut points that route into a stage (module k when
``cuts[k-1] ≤ θ̂ < cuts[k]``); modules are listed easy → hard.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.assembly.panel import STAGE_NAMES, PanelDesign
from app.irt.adaptive.mst import Panel

FORMAT = "kete-mst-panel/1"


class PanelFileError(ValueError):
    """A panel file that cannot be used; the message says what is wrong."""


def panels_to_json(design: PanelDesign, panels: Sequence[Panel], item_ids: Sequence[str],
                   extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The file's content for ``panels`` (item positions → IDs via ``item_ids``)."""
    return {
        "format": FORMAT, "design": design.label, "module_length": design.module_length,
        "population": {"mean": design.mean, "sd": design.sd},
        "panels": [{"stages": [
            {"cuts": [round(c, 6) for c in panel.cuts[s]],
             "modules": [{"name": STAGE_NAMES[len(stage)][k],
                          "items": [item_ids[i] for i in module]}
                         for k, module in enumerate(stage)]}
            for s, stage in enumerate(panel.modules)]} for panel in panels],
        **(extra or {})}


def write_panels(path: Path, content: dict[str, Any]) -> None:
    path.write_text(json.dumps(content, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def read_panels(path: Path, item_ids: Sequence[str]) -> tuple[PanelDesign, list[Panel]]:
    """The design and panels of a panel file, items as positions in ``item_ids``.

    Raises:
        PanelFileError: unreadable JSON, a wrong shape, or items missing from ``item_ids``.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PanelFileError(f"{path}: not a readable panel file ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise PanelFileError(f"{path}: not a Kete panel file (expected \"format\": "
                             f"\"{FORMAT}\", as `kete mst assemble` writes)")
    position = {item: i for i, item in enumerate(item_ids)}
    try:
        population = data.get("population", {})
        design = PanelDesign.parse(str(data["design"]), int(data["module_length"]),
                                   float(population.get("mean", 0.0)),
                                   float(population.get("sd", 1.0)))
        panels = [_panel(p, position) for p in data["panels"]]
    except PanelFileError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise PanelFileError(f"{path}: the panel file is malformed ({exc})") from None
    if not panels:
        raise PanelFileError(f"{path}: the file holds no panel")
    if any(p.design != design.stages for p in panels):
        raise PanelFileError(f"{path}: a panel does not have the design {design.label}")
    return design, panels


def _panel(data: dict[str, Any], position: dict[str, int]) -> Panel:
    missing = sorted({item for stage in data["stages"] for module in stage["modules"]
                      for item in module["items"] if item not in position})
    if missing:
        shown = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
        raise PanelFileError(f"{len(missing)} panel item(s) are not in the parameters file: "
                             f"{shown}")
    modules = tuple(tuple(tuple(position[i] for i in module["items"])
                          for module in stage["modules"]) for stage in data["stages"])
    cuts = tuple(tuple(float(c) for c in stage["cuts"]) for stage in data["stages"])
    return Panel(modules, cuts)
