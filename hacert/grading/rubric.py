"""The rubric of one assignment: which checks count, their points and partial-credit rules,
which are hidden from students, and each student's cluster and expected values."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import Field, PrivateAttr, ValidationError, field_validator, model_validator

from hacert.checks import CHECK_ID
from hacert.inventory.model import NAME_PATTERN, ClusterSpec
from hacert.modelbase import StrictModel
from hacert.yaml_locations import line_of
from hacert.yamlfile import NotBool, SpecFileError, first_problem, listed_twice, load_model

KIND = "rubric"


class Step(StrictModel):
    """One step of a step table: at least this many (or this share of) items passed."""

    min_passed: Annotated[int, NotBool] | None = Field(default=None, ge=1)
    min_fraction: Annotated[float, NotBool] | None = Field(default=None, gt=0, le=1)
    points: Annotated[float, NotBool] = Field(ge=0)

    @model_validator(mode="after")
    def _one_threshold(self) -> Step:
        if (self.min_passed is None) == (self.min_fraction is None):
            raise ValueError("a step needs exactly one of 'min_passed' or 'min_fraction'")
        return self

    def reached(self, passed: int, total: int) -> bool:
        if self.min_passed is not None:
            return passed >= self.min_passed
        return total > 0 and passed / total >= (self.min_fraction or 0) - 1e-9


Partial = Literal["proportional", "none"] | list[Step]


class RubricCheck(StrictModel):
    """A check that counts toward the grade."""

    id: str = Field(pattern=CHECK_ID.pattern)
    points: Annotated[float, NotBool] | None = Field(
        default=None, ge=0, description="default: the check's own"
    )
    partial: Partial = "proportional"
    hidden: bool = False
    expected: str | None = None
    hint: str | None = None

    @model_validator(mode="after")
    def _steps_fit(self) -> RubricCheck:
        if isinstance(self.partial, list):
            if not self.partial:
                raise ValueError("'partial' step list is empty")
            if self.points is not None and any(s.points > self.points for s in self.partial):
                raise ValueError("a partial-credit step gives more than the check's points")
        return self


class Student(StrictModel):
    """A student, the cluster they are graded on and their own expected values."""

    name: str = Field(pattern=NAME_PATTERN)
    cluster: str = Field(pattern=NAME_PATTERN)
    display_name: str = ""
    expect: dict[str, Any] = Field(default_factory=dict)


class Rubric(StrictModel):
    version: Literal[1] = 1
    assignment: str = Field(pattern=NAME_PATTERN)
    title: str = ""
    checks: list[RubricCheck] = Field(min_length=1)
    students: list[Student] = Field(default_factory=list)

    _path: Path = PrivateAttr(default=Path("rubric.yaml"))
    _root: yaml.Node | None = PrivateAttr(default=None)

    @field_validator("checks")
    @classmethod
    def _ids_unique(cls, checks: list[RubricCheck]) -> list[RubricCheck]:
        twice = listed_twice(c.id for c in checks)
        if twice:
            raise ValueError(f"check listed twice: {', '.join(twice)}")
        return checks

    @field_validator("students")
    @classmethod
    def _students_unique(cls, students: list[Student]) -> list[Student]:
        for attr in ("name", "cluster"):
            twice = listed_twice(getattr(s, attr) for s in students)
            if twice:
                raise ValueError(f"student {attr} listed twice: {', '.join(twice)}")
        return students

    @property
    def path(self) -> Path:
        return self._path

    def check(self, check_id: str) -> RubricCheck | None:
        return next((c for c in self.checks if c.id == check_id), None)

    def student_for(self, cluster: str) -> Student | None:
        return next((s for s in self.students if s.cluster == cluster), None)

    def error(self, where: list[str | int], problem: str) -> SpecFileError:
        return SpecFileError(
            KIND, self._path, problem, where=where, line=line_of(self._root, where)
        )

    def require_known_checks(self, known: Collection[str]) -> None:
        """Fails on the first rubric check id no check in the suite carries."""
        for index, item in enumerate(self.checks):
            if item.id not in known:
                raise self.error(["checks", index, "id"], f"unknown check id {item.id!r}")

    def apply_student_expect(self, cluster: ClusterSpec) -> ClusterSpec:
        """Returns ``cluster`` with its student's expected values merged into ``expect``."""
        student = self.student_for(cluster.name)
        if student is None or not student.expect:
            return cluster
        index = self.students.index(student)
        data = cluster.model_dump(mode="python", exclude_unset=False)
        data["expect"] = deep_merge(data.get("expect") or {}, student.expect)
        try:
            return ClusterSpec.model_validate(data)
        except ValidationError as exc:
            # Errors inside `expect` point at the student's key; others (a model rule such as
            # "expect.ceph needs a ceph-mon host") at the student's `expect` as a whole.
            location, problem = first_problem(exc)
            where: list[str | int] = ["students", index, "expect"]
            if location[:1] == ["expect"]:
                where += location[1:]
            raise self.error(where, f"cluster {cluster.name!r}: {problem}") from None


def deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_rubric(path: Path | str, known_checks: Collection[str] | None = None) -> Rubric:
    """Loads and validates a rubric; ``known_checks`` (if given) rejects unknown ids."""
    rubric, root = load_model(KIND, path, Rubric)
    rubric._path = Path(path)
    rubric._root = root
    if known_checks is not None:
        rubric.require_known_checks(known_checks)
    return rubric
