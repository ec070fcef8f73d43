"""Waivers: accepted failures of named checks, each with a justification and an expiry date.

A waiver applies through its expiry date (inclusive, UTC) and to the clusters it names, or
to every cluster. An expired waiver no longer applies, and reports say so.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, PrivateAttr

from hacert.checks import CHECK_ID
from hacert.modelbase import StrictModel
from hacert.yaml_locations import line_of
from hacert.yamlfile import SpecFileError, load_model

KIND = "waiver"


class Waiver(StrictModel):
    check: str = Field(pattern=CHECK_ID.pattern)
    justification: str = Field(min_length=1)
    expires: date
    clusters: list[str] | None = Field(default=None, min_length=1)
    approved_by: str = ""
    ticket: str = ""

    def covers(self, cluster: str | None) -> bool:
        return self.clusters is None or cluster in self.clusters

    def active_on(self, day: date) -> bool:
        return day <= self.expires

    def reason(self) -> str:
        return f"WAIVED {self.check}: {self.justification} (expires {self.expires.isoformat()})"

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class WaiverFile(StrictModel):
    version: Literal[1] = 1
    waivers: list[Waiver] = Field(default_factory=list)

    _path: Path = PrivateAttr(default=Path("waivers.yaml"))
    _root: yaml.Node | None = PrivateAttr(default=None)

    @property
    def path(self) -> Path:
        return self._path

    def require_known_checks(self, known: Collection[str]) -> None:
        for index, waiver in enumerate(self.waivers):
            if waiver.check not in known:
                where: list[str | int] = ["waivers", index, "check"]
                raise SpecFileError(
                    KIND,
                    self._path,
                    f"unknown check id {waiver.check!r}",
                    where=where,
                    line=line_of(self._root, where),
                )

    def require_known_clusters(self, known: Collection[str]) -> None:
        for index, waiver in enumerate(self.waivers):
            for c_index, name in enumerate(waiver.clusters or []):
                if name not in known:
                    where: list[str | int] = ["waivers", index, "clusters", c_index]
                    raise SpecFileError(
                        KIND,
                        self._path,
                        f"unknown cluster {name!r} (not in the inventory)",
                        where=where,
                        line=line_of(self._root, where),
                    )

    def lookup(self, check_id: str | None, cluster: str | None, day: date) -> WaiverMatch:
        """The waiver that applies to a failure of ``check_id`` on ``cluster`` on ``day``."""
        expired: Waiver | None = None
        for waiver in self.waivers:
            if waiver.check != check_id or not waiver.covers(cluster):
                continue
            if waiver.active_on(day):
                return WaiverMatch(active=waiver, expired=None)
            expired = waiver
        return WaiverMatch(active=None, expired=expired)

    def expired_on(self, day: date) -> list[Waiver]:
        return [w for w in self.waivers if not w.active_on(day)]


@dataclass(frozen=True)
class WaiverMatch:
    active: Waiver | None
    expired: Waiver | None


def today() -> date:
    return datetime.now(UTC).date()


def load_waivers(path: Path | str, known_checks: Collection[str] | None = None) -> WaiverFile:
    """Loads and validates a waiver file; ``known_checks`` (if given) rejects unknown ids."""
    waivers, root = load_model(KIND, path, WaiverFile)
    waivers._path = Path(path)
    waivers._root = root
    if known_checks is not None:
        waivers.require_known_checks(known_checks)
    return waivers
