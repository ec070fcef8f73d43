"""Reads a run's ``results.json`` (schema ``hacert-results/1``), the input of grading and
certification, so both also work offline on an old run."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from hacert.yamlfile import SpecFileError

Outcome = Literal["passed", "failed", "broken", "skipped", "waived"]
RESULTS_NAME = "results.json"


class _Lenient(BaseModel):
    # Newer writers may add fields; readers of an old run must not break on them.
    model_config = ConfigDict(extra="ignore")


class HostFacts(_Lenient):
    address: str | None = None
    host_key_sha256: str | None = None
    boot_time: str | None = None
    reachable: bool | None = None
    error: str | None = None

    @field_validator("boot_time", mode="before")
    @classmethod
    def _epoch_to_iso(cls, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return datetime.fromtimestamp(value, UTC).isoformat(timespec="seconds")
        return value


class ClusterFacts(_Lenient):
    environment: str | None = None
    hosts: dict[str, HostFacts] = Field(default_factory=dict)
    versions: dict[str, Any] = Field(default_factory=dict)


class CheckResult(_Lenient):
    nodeid: str
    check_id: str | None = None
    title: str = ""
    severity: str | None = None
    technology: str | None = None
    cluster: str | None = None
    host: str | None = None
    outcome: Outcome
    message: str | None = None
    remediation: str | None = None
    points: float | None = None
    duration: float | None = None
    destructive: bool = False
    waiver: dict[str, Any] | None = None


class RunResults(_Lenient):
    schema_: str = Field(alias="schema")
    run_id: str = ""
    started: str | None = None
    finished: str | None = None
    inventory: str | None = None
    profile: str | None = None
    hacert_version: str | None = None
    git_commit: str | None = None
    catalogue_digest: str | None = None
    clusters: dict[str, ClusterFacts] = Field(default_factory=dict)
    checks: list[CheckResult] = Field(default_factory=list)
    # Filled by the loader, not part of the file.
    source: str = ""
    sha256: str = ""

    def checks_of(self, cluster: str) -> list[CheckResult]:
        return [c for c in self.checks if c.cluster == cluster]


def resolve_results_path(path: Path | str) -> Path:
    """Accepts a results file or a directory holding ``results.json``."""
    path = Path(path)
    return path / RESULTS_NAME if path.is_dir() else path


def load_results(path: Path | str) -> RunResults:
    file = resolve_results_path(path)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise SpecFileError("results", file, f"cannot read: {exc.strerror or exc}") from None
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise SpecFileError("results", file, f"not JSON: {exc}") from None
    if not isinstance(data, dict) or not str(data.get("schema", "")).startswith("hacert-results/"):
        raise SpecFileError("results", file, "not a hacert results file (no 'schema')")
    if data.get("interrupted") is True:
        raise SpecFileError(
            "results", file, "the run was interrupted: its results are partial; run it again"
        )
    try:
        run = RunResults.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = [p for p in first["loc"] if isinstance(p, int | str)]
        raise SpecFileError("results", file, str(first["msg"]), where=where) from None
    run.source = str(file)
    run.sha256 = hashlib.sha256(raw).hexdigest()
    return run
