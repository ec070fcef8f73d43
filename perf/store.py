"""Result store for performance figures: one embedded SQLite file.

Every figure a suite measures is a :class:`Measurement` row keyed by
(run, cluster, target, metric, repetition). Runs are ordered by their start
time; a metric *series* is one :class:`RunPoint` per run. Baselines are runs
accepted explicitly (``python -m hacert.perf accept-baseline``), optionally tagged.
Verdicts drawn for a run are kept too, so the CLI can show them later.

The file is shared by pytest-xdist workers: WAL journal and a busy timeout
let them write concurrently.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import statistics
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

Direction = Literal["higher", "lower"]
DIRECTIONS: tuple[Direction, ...] = ("higher", "lower")
DEFAULT_STORE_PATH = Path("reports/perf.sqlite")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS measurements (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL REFERENCES runs(run_id),
    cluster TEXT NOT NULL,
    target TEXT NOT NULL,
    metric TEXT NOT NULL,
    unit TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('higher', 'lower')),
    repetition INTEGER NOT NULL,
    value REAL NOT NULL,
    timestamp TEXT NOT NULL,
    stable INTEGER NOT NULL DEFAULT 1,
    versions TEXT NOT NULL DEFAULT '{}',
    UNIQUE (run_id, cluster, target, metric, repetition)
);
CREATE INDEX IF NOT EXISTS measurements_series ON measurements (cluster, target, metric);
CREATE TABLE IF NOT EXISTS baselines (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL REFERENCES runs(run_id),
    tag TEXT,
    accepted_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS verdicts (
    run_id TEXT NOT NULL,
    cluster TEXT NOT NULL,
    target TEXT NOT NULL,
    metric TEXT NOT NULL,
    payload TEXT NOT NULL,
    PRIMARY KEY (run_id, cluster, target, metric)
);
"""


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class Measurement:
    """One measured figure.

    ``direction`` says which way is better: ``"higher"`` (throughput, IOPS,
    lock rate) or ``"lower"`` (latency, downtime, recovery time).
    ``stable`` is False for samples of a repeated measurement whose spread
    stayed above the CV threshold; such samples never yield a verdict.
    ``versions`` maps tool -> version seen on the cluster's hosts.
    """

    run_id: str
    cluster: str
    target: str
    metric: str
    value: float
    unit: str
    direction: Direction
    repetition: int = 0
    timestamp: str = field(default_factory=utc_now)
    stable: bool = True
    versions: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {DIRECTIONS}, not {self.direction!r}")


@dataclass(frozen=True)
class SeriesKey:
    cluster: str
    target: str
    metric: str

    def __str__(self) -> str:
        return f"{self.cluster}/{self.target}/{self.metric}"


@dataclass(frozen=True)
class RunPoint:
    """All samples of one series in one run."""

    run_id: str
    started_at: str
    values: tuple[float, ...]
    unit: str
    direction: Direction
    stable: bool
    versions: dict[str, str]

    @property
    def median(self) -> float:
        return statistics.median(self.values)


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    started_at: str
    measurements: int
    clusters: tuple[str, ...]
    tags: tuple[str, ...]
    accepted: bool


@dataclass(frozen=True)
class Baseline:
    run_id: str
    tag: str | None
    accepted_at: str


class ResultStore:
    """SQLite-backed store of perf measurements, baselines and verdicts.

    ``ResultStore(path)`` creates the file (and its directory) if needed.
    Use as a context manager or call :meth:`close`.
    """

    def __init__(self, path: str | Path = DEFAULT_STORE_PATH) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), timeout=60, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA busy_timeout = 60000")
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _write(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.executemany(sql, rows)
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- writing -----------------------------------------------------------------

    def ensure_run(self, run_id: str, started_at: str | None = None) -> None:
        """Register ``run_id`` (first caller's ``started_at`` wins)."""
        self._write(
            "INSERT OR IGNORE INTO runs (run_id, started_at) VALUES (?, ?)",
            [(run_id, started_at or utc_now())],
        )

    def record(self, measurement: Measurement) -> None:
        """Store one measurement (replacing an earlier one with the same key)."""
        self.record_many([measurement])

    def record_many(self, measurements: Iterable[Measurement]) -> None:
        items = list(measurements)
        for run_id in dict.fromkeys(m.run_id for m in items):
            first = min(m.timestamp for m in items if m.run_id == run_id)
            self.ensure_run(run_id, first)
        self._write(
            "INSERT OR REPLACE INTO measurements (run_id, cluster, target, metric, unit,"
            " direction, repetition, value, timestamp, stable, versions)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    m.run_id,
                    m.cluster,
                    m.target,
                    m.metric,
                    m.unit,
                    m.direction,
                    m.repetition,
                    float(m.value),
                    m.timestamp,
                    int(m.stable),
                    json.dumps(m.versions, sort_keys=True),
                )
                for m in items
            ],
        )

    def next_repetition(self, run_id: str, key: SeriesKey) -> int:
        """The repetition number the next sample of ``key`` in ``run_id`` should get."""
        row = self._db.execute(
            "SELECT COALESCE(MAX(repetition) + 1, 0) FROM measurements"
            " WHERE run_id = ? AND cluster = ? AND target = ? AND metric = ?",
            (run_id, key.cluster, key.target, key.metric),
        ).fetchone()
        return int(row[0])

    # -- reading -----------------------------------------------------------------

    def measurements(self, run_id: str | None = None) -> list[Measurement]:
        """All measurements, or those of one run, in run then insertion order."""
        sql = (
            "SELECT m.* FROM measurements m JOIN runs r USING (run_id)"
            + (" WHERE m.run_id = ?" if run_id else "")
            + " ORDER BY r.started_at, m.run_id, m.id"
        )
        rows = self._db.execute(sql, (run_id,) if run_id else ()).fetchall()
        return [_measurement(row) for row in rows]

    def series_keys(self, run_id: str | None = None) -> list[SeriesKey]:
        sql = "SELECT DISTINCT cluster, target, metric FROM measurements" + (
            " WHERE run_id = ?" if run_id else ""
        )
        rows = self._db.execute(sql + " ORDER BY 1, 2, 3", (run_id,) if run_id else ())
        return [SeriesKey(*row) for row in rows]

    def series(
        self, cluster: str, target: str, metric: str, *, until_run: str | None = None
    ) -> list[RunPoint]:
        """One point per run for (cluster, target, metric), oldest first.

        With ``until_run``, runs that started after that run are left out.
        """
        rows = self._db.execute(
            "SELECT m.*, r.started_at FROM measurements m JOIN runs r USING (run_id)"
            " WHERE m.cluster = ? AND m.target = ? AND m.metric = ?"
            " ORDER BY r.started_at, m.run_id, m.repetition",
            (cluster, target, metric),
        ).fetchall()
        points: list[RunPoint] = []
        for run_id, group in _group_by_run(rows):
            points.append(
                RunPoint(
                    run_id=run_id,
                    started_at=group[0]["started_at"],
                    values=tuple(float(r["value"]) for r in group),
                    unit=group[-1]["unit"],
                    direction=group[-1]["direction"],
                    stable=all(r["stable"] for r in group),
                    versions=json.loads(group[-1]["versions"]),
                )
            )
            if run_id == until_run:
                break
        return points

    def runs(self) -> list[RunInfo]:
        """Every run, oldest first, with its clusters, tags and acceptance."""
        rows = self._db.execute(
            "SELECT r.run_id, r.started_at, COUNT(m.id) AS n,"
            " GROUP_CONCAT(DISTINCT m.cluster) AS clusters"
            " FROM runs r LEFT JOIN measurements m USING (run_id)"
            " GROUP BY r.run_id ORDER BY r.started_at, r.run_id"
        ).fetchall()
        accepted: dict[str, list[str]] = {}
        for b in self.baselines():
            accepted.setdefault(b.run_id, []).extend([b.tag] if b.tag else [])
        return [
            RunInfo(
                run_id=row["run_id"],
                started_at=row["started_at"],
                measurements=int(row["n"]),
                clusters=tuple(sorted(row["clusters"].split(","))) if row["clusters"] else (),
                tags=tuple(accepted.get(row["run_id"], [])),
                accepted=row["run_id"] in accepted,
            )
            for row in rows
        ]

    def latest_run(self) -> str | None:
        row = self._db.execute(
            "SELECT run_id FROM runs ORDER BY started_at DESC, run_id DESC LIMIT 1"
        ).fetchone()
        return str(row[0]) if row else None

    def has_run(self, run_id: str) -> bool:
        row = self._db.execute("SELECT 1 FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        return row is not None

    # -- baselines ---------------------------------------------------------------

    def accept_baseline(self, run_id: str, tag: str | None = None) -> Baseline:
        """Mark ``run_id`` as the accepted baseline (the newest acceptance wins)."""
        if not self.has_run(run_id):
            raise KeyError(f"no run {run_id!r} in {self.path}")
        baseline = Baseline(run_id=run_id, tag=tag, accepted_at=utc_now())
        self._write(
            "INSERT INTO baselines (run_id, tag, accepted_at) VALUES (?, ?, ?)",
            [(baseline.run_id, baseline.tag, baseline.accepted_at)],
        )
        return baseline

    def baselines(self) -> list[Baseline]:
        """Every acceptance, oldest first."""
        rows = self._db.execute(
            "SELECT run_id, tag, accepted_at FROM baselines ORDER BY accepted_at, id"
        ).fetchall()
        return [Baseline(row["run_id"], row["tag"], row["accepted_at"]) for row in rows]

    def baseline(self, selector: str | None = None) -> str | None:
        """Resolve a baseline run id.

        ``selector`` may be a run id (accepted or not) or a tag; ``None`` means
        the most recently accepted run. Returns None when nothing matches.
        """
        accepted = self.baselines()
        if selector is None:
            return accepted[-1].run_id if accepted else None
        if self.has_run(selector):
            return selector
        tagged = [b for b in accepted if b.tag == selector]
        return tagged[-1].run_id if tagged else None

    # -- verdicts ----------------------------------------------------------------

    def save_verdict(self, run_id: str, key: SeriesKey, payload: dict[str, Any]) -> None:
        self._write(
            "INSERT OR REPLACE INTO verdicts (run_id, cluster, target, metric, payload)"
            " VALUES (?, ?, ?, ?, ?)",
            [(run_id, key.cluster, key.target, key.metric, json.dumps(payload))],
        )

    def verdicts(self, run_id: str) -> list[dict[str, Any]]:
        rows = self._db.execute(
            "SELECT payload FROM verdicts WHERE run_id = ? ORDER BY cluster, target, metric",
            (run_id,),
        ).fetchall()
        return [json.loads(row[0]) for row in rows]

    # -- export ------------------------------------------------------------------

    def export(self, fmt: Literal["csv", "json"], run_id: str | None = None) -> str:
        """Measurements (all, or one run's) as CSV or JSON text."""
        rows = [asdict(m) for m in self.measurements(run_id)]
        if fmt == "json":
            return json.dumps(rows, indent=2, sort_keys=True) + "\n"
        if fmt != "csv":
            raise ValueError(f"unknown export format {fmt!r}")
        out = io.StringIO()
        columns = [f.name for f in Measurement.__dataclass_fields__.values()]
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "versions": json.dumps(row["versions"], sort_keys=True)})
        return out.getvalue()


def _measurement(row: sqlite3.Row) -> Measurement:
    return Measurement(
        run_id=row["run_id"],
        cluster=row["cluster"],
        target=row["target"],
        metric=row["metric"],
        value=float(row["value"]),
        unit=row["unit"],
        direction=row["direction"],
        repetition=int(row["repetition"]),
        timestamp=row["timestamp"],
        stable=bool(row["stable"]),
        versions=json.loads(row["versions"]),
    )


def _group_by_run(rows: list[sqlite3.Row]) -> Iterator[tuple[str, list[sqlite3.Row]]]:
    group: list[sqlite3.Row] = []
    for row in rows:
        if group and row["run_id"] != group[0]["run_id"]:
            yield group[0]["run_id"], group
            group = []
        group.append(row)
    if group:
        yield group[0]["run_id"], group
