"""Export for a second opinion in R (mirt, TAM): wide responses and a mirt-style parameter table.

mirt's slope–intercept form (D = 1, as in Kete):

* dichotomous: ``P = g + (u − g)·σ(a1·θ + d)`` with ``d = −a·b``, ``g = c``, ``u = 1``;
* gpcm (and PCM, mirt's polytomous "Rasch"): ``P_k ∝ exp(k·a1·θ + d_k)``, ``d_0 = 0``,
  ``d_k = −a·(b_1 + … + b_k)``;
* graded: ``P(X ≥ k) = σ(a1·θ + d_k)`` with ``d_k = −a·b_k``.
"""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import numpy as np

from app.calibration.files import ResponseTable
from app.irt.parameters import ItemParameters

ITEMTYPE = {"rasch": "Rasch", "2pl": "2PL", "3pl": "3PL", "gpcm": "gpcm", "pcm": "Rasch",
            "grm": "graded"}

README = """Kete export for R
=================

responses_wide.csv   one row per person: person_id, then one column per item;
                     NA = the item was not presented (a booklet design), else the score.
parameters_mirt.csv  Kete's item parameters in mirt's slope-intercept form (logistic, D = 1):
                       dichotomous  P = g + (u - g) / (1 + exp(-(a1*theta + d))),  d = -a*b
                       gpcm / Rasch P(k) ~ exp(k*a1*theta + d_k), d0 = 0, d_k = -a*(b1+...+bk)
                       graded       P(X >= k) = 1 / (1 + exp(-(a1*theta + d_k))), d_k = -a*b_k
                     itemtype is mirt's name (a polytomous "Rasch" item is Kete's PCM).

Refit freely in mirt (Kete's reference scale is N(0, 1)):

  library(mirt)
  resp <- read.csv("responses_wide.csv", check.names = FALSE)
  X    <- resp[, -1]
  pars <- read.csv("parameters_mirt.csv", check.names = FALSE)
  fit  <- mirt(X, 1, itemtype = pars$itemtype[match(names(X), pars$item)])
  coef(fit, IRTpars = TRUE, simplify = TRUE)   # a, b (or b1..bk), g: compare with Kete

Or fix Kete's values and only score / check fit:

  sv <- mirt(X, 1, itemtype = pars$itemtype[match(names(X), pars$item)], pars = "values")
  for (i in seq_len(nrow(pars))) for (nm in intersect(names(pars)[-(1:2)], unique(sv$name))) {
    hit <- sv$item == pars$item[i] & sv$name == nm
    if (any(hit) && !is.na(pars[[nm]][i])) { sv$value[hit] <- pars[[nm]][i]; sv$est[hit] <- FALSE }
  }
  fixed <- mirt(X, 1, itemtype = pars$itemtype[match(names(X), pars$item)], pars = sv)

TAM (Rasch / PCM, or 2PL / GPCM):

  library(TAM)
  m1 <- tam.mml(resp = X)                        # TAM's xsi are difficulties b (steps for PCM)
  m2 <- tam.mml.2pl(resp = X, irtmodel = "GPCM")  # 2PL / GPCM; compare a and b with Kete
"""


def write_wide_responses(target: Path, table: ResponseTable, chunk: int = 5000) -> None:
    """``person_id`` then one column per item (``table.item_ids`` order); ``NA`` = not presented."""
    order = np.argsort(table.person_index, kind="stable")
    person, item = table.person_index[order], table.item_index[order]
    scores = table.scores[order]
    bounds = np.searchsorted(person, np.arange(0, table.n_persons + chunk, chunk))
    with open(target, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["person_id", *table.item_ids])
        for block, (lo, hi) in enumerate(itertools.pairwise(bounds)):
            first = block * chunk
            n = min(chunk, table.n_persons - first)
            if n <= 0:
                break
            cells = np.full((n, table.n_items), "NA", dtype=object)
            cells[person[lo:hi] - first, item[lo:hi]] = scores[lo:hi].astype(str)
            ids = np.asarray(table.person_ids[first:first + n], dtype=object)[:, None]
            writer.writerows(np.hstack([ids, cells]).tolist())


def mirt_rows(params: ItemParameters) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the mirt-style table: ``item,itemtype,a1,d,g,u,d1,…,dk``."""
    width = params.steps.shape[1] if params.steps.size else 0
    header = ["item", "itemtype", "a1", "d", "g", "u", *(f"d{k + 1}" for k in range(width))]
    rows = []
    for i, item_id in enumerate(params.item_ids):
        model, a = str(params.model[i]), float(params.a[i])
        row = [item_id, ITEMTYPE[model], _num(a)] + ["NA"] * (3 + width)
        if model in ("rasch", "2pl", "3pl"):
            row[3:6] = [_num(-a * params.b[i]), _num(params.c[i]), "1"]
        else:
            steps = params.steps[i][~np.isnan(params.steps[i])]
            d = -a * (np.cumsum(steps) if model in ("gpcm", "pcm") else steps)
            row[6:6 + d.size] = [_num(v) for v in d]
        rows.append(row)
    return header, rows


def write_mirt_parameters(target: Path, params: ItemParameters) -> None:
    header, rows = mirt_rows(params)
    with open(target, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def export(out_dir: Path, table: ResponseTable, params: ItemParameters | None) -> list[Path]:
    """Write ``responses_wide.csv``, ``parameters_mirt.csv`` (if ``params``) and ``README.txt``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [out_dir / "responses_wide.csv"]
    write_wide_responses(written[0], table)
    if params is not None:
        written.append(out_dir / "parameters_mirt.csv")
        write_mirt_parameters(written[-1], params)
    written.append(out_dir / "README.txt")
    written[-1].write_text(README, encoding="utf-8")
    return written


def _num(value: float) -> str:
    return "NA" if np.isnan(value) else repr(float(value))
