"""Calibration, parameter, scale and cut-score shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Model = Literal["rasch", "2pl", "3pl", "gpcm", "pcm", "grm"]
ItemStatus = Literal["draft", "trial", "operational", "retired"]


class ParameterIn(BaseModel):
    """One item's parameters (logistic metric, D = 1): ``P = c + (1−c)/(1+exp(−a(θ−b)))``."""

    item: str = Field(description="Item code.")
    model: Model = Field(description="IRT model of the item.")
    a: float = Field(1.0, gt=0, le=10, description="Discrimination (slope); 1 for Rasch/PCM.")
    b: float | None = Field(None, ge=-10, le=10, description="Difficulty in logits (dichotomous).")
    c: float = Field(0.0, ge=0, lt=1, description="Lower asymptote (3PL guessing), else 0.")
    steps: list[float] = Field(default_factory=list, description="GPCM steps / GRM thresholds.")
    se_a: float | None = Field(None, ge=0, description="Standard error of a.")
    se_b: float | None = Field(None, ge=0, description="Standard error of b.")
    se_c: float | None = Field(None, ge=0, description="Standard error of c.")
    se_steps: list[float] = Field(default_factory=list, description="Standard errors of steps.")

    @model_validator(mode="after")
    def _fits_model(self) -> ParameterIn:
        dichotomous = self.model in ("rasch", "2pl", "3pl")
        if dichotomous and self.b is None:
            raise ValueError(f"{self.model} items need b")
        if not dichotomous and not self.steps:
            raise ValueError(f"{self.model} items need steps")
        if self.model == "grm" and self.steps != sorted(self.steps):
            raise ValueError("GRM thresholds must increase")
        if self.model != "3pl" and self.c:
            raise ValueError("only 3PL items have c")
        return self


class ParameterOut(ParameterIn):
    pass


class CalibrationCreate(BaseModel):
    """A calibration loaded from outside (demo generating values, another program's run)."""

    subject: str = Field(description="Subject code.")
    label: str = Field(min_length=1, max_length=120, description="Name a person recognises.")
    kind: Literal["simulated", "estimated", "imported"] = Field(
        "imported", description="`simulated`: generating values of simulated data.")
    activate: bool = Field(False, description="Make it the subject's active calibration.")
    population_mean: float = Field(0.0, description="Mean of θ in the calibration sample.")
    population_sd: float = Field(1.0, gt=0, description="SD of θ in the calibration sample.")
    notes: str = Field("", max_length=5000, description="How and from what it was made.")
    parameters: list[ParameterIn] = Field(min_length=1, description="One row per item.")


class CalibrationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="Calibration id; scores keep the id they were made with.")
    subject: str = Field(description="Subject code.")
    label: str = Field(description="Name a person recognises.")
    kind: str = Field(description="simulated, estimated or imported.")
    is_active: bool = Field(description="The subject's current scale.")
    link_a: float = Field(description="θ_parent = A·θ + B: slope A of the link to its parent.")
    link_b: float = Field(description="Intercept B of the link to its parent.")
    population_mean: float = Field(description="Mean θ of the calibration sample.")
    population_sd: float = Field(description="SD of θ of the calibration sample.")
    item_count: int = Field(description="Items with parameters in this calibration.")
    created_at: datetime = Field(description="When it was stored.")
    activated_at: datetime | None = Field(description="When it last became active.")


def _trial_only() -> list[ItemStatus]:
    return ["trial"]


class DroppedAnchor(BaseModel):
    """An operational item taken out of a run's anchor set (and estimated afresh)."""

    item: str = Field(min_length=1, max_length=64, description="Item code.")
    reason: str = Field(min_length=3, max_length=500, description="Why it is not an anchor "
                        "(e.g. drift found in run 12: Δb 0.6, robust z 4.1); kept in the audit.")


class RunCreate(BaseModel):
    """A request to calibrate items from a window of scored responses."""

    subject: str = Field(description="Subject code.")
    label: str = Field(min_length=1, max_length=120, description="Name for the new calibration.")
    model: Literal["auto", "rasch", "2pl", "3pl", "grm"] = Field(
        "auto", description="Model of dichotomous items: `auto` is 3PL for choice items (they "
        "can be guessed) and 2PL for the rest. Polytomous items use GPCM (PCM if `rasch`, "
        "GRM if `grm`).")
    anchored: bool = Field(
        True, description="Hold the active calibration's operational items fixed, so the new "
        "items land on the bank's scale. False: a reference calibration with θ ~ N(0, 1).")
    tolerance: float = Field(
        1e-3, gt=0, le=0.1, description="EM stops when no item parameter moves more than this "
        "in an iteration (logits; BILOG's default is 0.01, mirt's 1e-4).")
    item_statuses: list[ItemStatus] = Field(
        default_factory=_trial_only, description="Estimate items with these statuses.")
    item_codes: list[str] = Field(
        default_factory=list, description="Or estimate exactly these items (overrides status).")
    window_start: datetime | None = Field(None, description="Use responses from this moment.")
    window_end: datetime | None = Field(None, description="Use responses up to this moment.")
    drop_anchors: list[DroppedAnchor] = Field(
        default_factory=list, max_length=500, description="Operational items not to hold "
        "fixed (each with a reason): they are estimated with the run's items instead.")


class RunApproval(BaseModel):
    """How to approve a run whose items fail quality gates (not needed when none fail)."""

    reason: str = Field("", max_length=1000, description="Why the failing items are approved "
                        "anyway (kept with the run and in the audit log).")
    leave_out: bool = Field(False, description="Leave the failing items out instead: they keep "
                            "the parameters they had (trial items stay off the scale).")


class RunRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="Run id.")
    subject_id: int = Field(description="Subject id (see the subject's code in its calibrations).")
    label: str = Field(description="Name for the new calibration.")
    model: str = Field(description="Model of dichotomous items.")
    anchored: bool = Field(description="Anchored on the active calibration.")
    tolerance: float = Field(description="EM convergence tolerance (largest parameter change).")
    item_statuses: list[str] = Field(description="Statuses of the estimated items.")
    item_codes: list[str] = Field(description="Codes of the estimated items, if chosen.")
    dropped_anchors: list[DroppedAnchor] = Field(description="Anchors left out, with reasons.")
    status: str = Field(description="queued, running, succeeded, failed, approved or "
                        "discarded.")
    progress: float = Field(description="Fraction done, 0–1.")
    message: str = Field(description="What it is doing, or why it failed.")
    result_id: int | None = Field(description="The calibration it produced.")
    requested_by: str = Field(description="Who asked for it.")
    created_at: datetime = Field(description="When it was requested.")
    finished_at: datetime | None = Field(description="When it finished.")
