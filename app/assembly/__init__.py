"""Test assembly: specs → 0-1 integer programs (HiGHS) → ordered, independently checked forms.

Typical use::

    from app.assembly import TeacherRequest, build_request_spec, assemble, summarize
    request_spec = build_request_spec(bank_items, request)
    result = assemble(request_spec.spec)
    if result.items:
        summary = summarize(request_spec, result)
    else:
        explanation = result.explanation  # which requirements conflict, smallest fixes

TestDesign CSV files: ``load_spec(pool, attributes, constraints, objective, stimuli)``.
"""

from app.assembly.check import CheckReport, CheckResult, check_form
from app.assembly.explain import Alternative, Conflict, Explanation, explain_infeasible
from app.assembly.forms import (
    AssemblyResult,
    assemble,
    form_objective,
    parallel_form,
    swap_item,
)
from app.assembly.greedy import greedy_form
from app.assembly.model import ModelOptions, build_model
from app.assembly.order import order_form
from app.assembly.phrasing import Fix
from app.assembly.request import RequestError, RequestSpec, TeacherRequest, build_request_spec
from app.assembly.solve import SolveOptions, solve_mip
from app.assembly.spec import (
    AllOrNone,
    CountBound,
    Diversity,
    Enemies,
    Exclude,
    Include,
    MaximinInformation,
    OrderRule,
    PerStimulusBound,
    Pool,
    Requirement,
    ShareBound,
    Spec,
    SumBound,
    TargetInformation,
)
from app.assembly.summary import FormSummary, summarize
from app.assembly.synthetic import sublevel_theta, synthetic_bank
from app.assembly.tdconstraints import build_requirements, load_spec
from app.assembly.testdesign import InputError, LineError, read_constraints, read_pool

__all__ = [
    "AllOrNone", "Alternative", "AssemblyResult", "CheckReport", "CheckResult", "Conflict",
    "CountBound", "Diversity", "Enemies", "Exclude", "Explanation", "Fix", "FormSummary", "Include",
    "InputError", "LineError", "MaximinInformation", "ModelOptions", "OrderRule",
    "PerStimulusBound", "Pool", "RequestError", "RequestSpec", "Requirement", "ShareBound",
    "SolveOptions", "Spec", "SumBound", "TargetInformation", "TeacherRequest", "assemble",
    "build_model", "build_request_spec", "build_requirements", "check_form",
    "explain_infeasible", "form_objective", "greedy_form", "load_spec", "order_form",
    "parallel_form", "read_constraints", "read_pool", "solve_mip", "sublevel_theta",
    "summarize", "swap_item", "synthetic_bank",
]
