"""Norms as the API shows them."""

from __future__ import annotations

from pydantic import BaseModel, Field

from app.calibration.norms import NormTable


class NormPointRead(BaseModel):
    year_level: int = Field(description="Year level (1-13).")
    week: int = Field(description="Week of the school year, counting from 1 February.")
    term: int | None = Field(description="The term (1-4) the point stands for, if given by term.")
    mean: float = Field(description="Mean scale score.")
    sd: float = Field(description="Standard deviation of scale scores.")
    n: int | None = Field(description="Students in the norm sample (none for illustrative norms).")


class NormTableRead(BaseModel):
    """The norms a subject's reports use; between points they are interpolated linearly."""

    subject: str = Field(description="Subject code.")
    source: str = Field(description="Where the norms come from.")
    illustrative: bool = Field(
        description="True for Kete's built-in norms, derived from the calibration rather than "
        "a national sample; every report using them says so.")
    label: str = Field(description="The sentence reports print beside the norms.")
    assumptions: str = Field(description="What illustrative norms assume (empty if imported).")
    points: list[NormPointRead] = Field(description="Norm points by year level and week.")

    @classmethod
    def of(cls, table: NormTable) -> NormTableRead:
        return cls(subject=table.subject, source=table.source, illustrative=table.illustrative,
                   label=table.label, assumptions=table.assumptions,
                   points=[NormPointRead(year_level=p.year_level, week=p.week, term=p.term,
                                         mean=p.mean, sd=p.sd, n=p.n) for p in table.points])
