"""Fixtures for the assembly tests: the shared TestDesign files (skipped if absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.assembly.bench import data_dir
from app.assembly.spec import MaximinInformation, Spec, TargetInformation
from app.assembly.tdconstraints import load_spec


@pytest.fixture(scope="session")
def testdesign_dir() -> Path:
    """The TestDesign benchmark folder, or skip with the reason."""
    folder = data_dir()
    if not (folder / "itempool_science_1000.csv").exists():
        pytest.skip(f"TestDesign benchmark files not found in {folder} "
                    "(set KETE_TESTDESIGN_DIR to run these tests)")
    return folder


@pytest.fixture(scope="session")
def science(testdesign_dir: Path) -> Spec:
    """science_1000 with its 36 constraints and TIF targets 8 at θ = -1, 10 at θ = 1."""
    spec, _ = load_spec(testdesign_dir / "itempool_science_1000.csv",
                        testdesign_dir / "itemattrib_science_1000.csv",
                        testdesign_dir / "constraints_science_1000.csv",
                        TargetInformation(thetas=(-1.0, 1.0), targets=(8.0, 10.0)))
    return spec


@pytest.fixture(scope="session")
def reading(testdesign_dir: Path) -> Spec:
    """reading_303 (passages) with maximin information at θ = -1, 0, 1."""
    spec, _ = load_spec(testdesign_dir / "itempool_reading_303.csv",
                        testdesign_dir / "itemattrib_reading_303.csv",
                        testdesign_dir / "constraints_reading_303.csv",
                        MaximinInformation(thetas=(-1.0, 0.0, 1.0)),
                        testdesign_dir / "stimattrib_reading_303.csv")
    return spec
