"""A cluster's certificate: the one-page verdict of one run, sealed with a SHA-256.

Built from ``results.json`` (so an old run can be certified offline) and, optionally, the
waiver file: a failure that an active waiver covers counts as *waived*, never as passed.
A waiver is judged active on the day the run finished (the day the evidence was taken).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hacert.certification import exitcodes
from hacert.certification.waivers import WaiverFile
from hacert.errors import ConfigurationError
from hacert.grading.integrity import HASH_COVERS, seal
from hacert.grading.results import CheckResult, RunResults
from hacert.provenance import hacert_version

SCHEMA = "hacert-certificate/1"
VERDICT_EXIT = {
    "PASS": exitcodes.PASSED,
    "PASS WITH WAIVERS": exitcodes.PASSED_WITH_WAIVERS,
    "FAIL": exitcodes.FAILED,
}
ACCEPTANCE_PROFILES = ("acceptance", "full")
RAN = ("passed", "failed", "broken", "waived")


def profile_name(profile: str | None) -> str:
    return profile or "none"


def require_acceptance_profile(run: RunResults, allowed: str | None) -> None:
    """A certificate vouches for an acceptance run; others only when asked for by name."""
    name = profile_name(run.profile)
    if run.profile in ACCEPTANCE_PROFILES or name == allowed:
        return
    raise ConfigurationError(
        f"{run.source}: the run used profile {name}, not an acceptance profile "
        f"({', '.join(ACCEPTANCE_PROFILES)}): no certificate. Run with --profile acceptance, "
        f"or pass --allow-profile {name} for one marked as not an acceptance certificate"
    )


def run_day(run: RunResults) -> date:
    stamp = run.finished or run.started
    if stamp:
        try:
            return datetime.fromisoformat(stamp).astimezone(UTC).date()
        except ValueError:
            pass
    return datetime.now(UTC).date()


Row = tuple[CheckResult, str, dict[str, Any] | None]


def effective_outcomes(
    checks: list[CheckResult], waivers: WaiverFile | None, day: date
) -> tuple[list[Row], Counter[str]]:
    """Each check with its outcome once waivers are applied, and per check id the failures
    that only an expired waiver named."""
    rows: list[Row] = []
    expired_hits: Counter[str] = Counter()
    for item in checks:
        outcome, waiver = item.outcome, item.waiver
        if waivers is not None and outcome == "failed":
            match = waivers.lookup(item.check_id, item.cluster, day)
            if match.active is not None:
                outcome, waiver = "waived", match.active.to_dict()
            elif match.expired is not None:
                expired_hits[match.expired.check] += 1
        rows.append((item, outcome, waiver))
    return rows, expired_hits


def ran(counts: Counter[str]) -> int:
    return sum(counts[k] for k in RAN)


def verdict_of(counts: Counter[str]) -> str:
    if not ran(counts) or counts["failed"] or counts["broken"]:
        return "FAIL"
    return "PASS WITH WAIVERS" if counts["waived"] else "PASS"


def technology_verdict(counts: Counter[str]) -> str:
    return verdict_of(counts).lower() if ran(counts) else "not checked"


def build_certificate(
    run: RunResults,
    cluster: str,
    waivers: WaiverFile | None = None,
    figures: list[dict[str, Any]] | None = None,
    key: Ed25519PrivateKey | None = None,
) -> dict[str, Any]:
    """The sealed certificate document of ``cluster`` in ``run`` (``figures``: see
    hacert.certification.figures), signed with ``key`` when given."""
    day = run_day(run)
    rows, expired_hits = effective_outcomes(run.checks_of(cluster), waivers, day)
    expired = [
        {**w.to_dict(), "failures_named": expired_hits[w.check]}
        for w in (waivers.expired_on(day) if waivers else [])
        if w.covers(cluster)
    ]
    counts: Counter[str] = Counter(outcome for _, outcome, _ in rows)
    technologies: dict[str, Counter[str]] = {}
    for item, outcome, _ in rows:
        technologies.setdefault(item.technology or "other", Counter())[outcome] += 1
    applied: dict[str, dict[str, Any]] = {}
    for item, outcome, waiver in rows:
        if outcome == "waived":
            entry = applied.setdefault(
                item.check_id or item.nodeid, {**(waiver or {}), "targets": []}
            )
            entry["targets"].append(item.host or cluster)
    facts = run.clusters.get(cluster)
    verdict = verdict_of(counts)
    notes = [] if ran(counts) else [f"no check ran on cluster {cluster!r}"]
    if not run.catalogue_digest:
        notes.append("the run recorded no hacert version or check catalogue (an older hacert)")
    document: dict[str, Any] = {
        "schema": SCHEMA,
        "cluster": cluster,
        "environment": facts.environment if facts else None,
        "profile": run.profile,
        "acceptance_profile": run.profile in ACCEPTANCE_PROFILES,
        "hacert": {
            "version": run.hacert_version,
            "git_commit": run.git_commit,
            "catalogue_digest": run.catalogue_digest,
        },
        "issued_with_hacert": hacert_version(),
        "verdict": verdict,
        "exit_code": VERDICT_EXIT[verdict],
        "issued_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "run": {
            "run_id": run.run_id,
            "started": run.started,
            "finished": run.finished,
            "inventory": run.inventory,
            "results_sha256": run.sha256,
            "waivers_judged_on": day.isoformat(),
        },
        "counts": {
            k: counts.get(k, 0) for k in ("passed", "failed", "broken", "skipped", "waived")
        },
        "technologies": {
            tech: {
                "verdict": technology_verdict(c),
                **{k: c.get(k, 0) for k in ("passed", "failed", "broken", "skipped", "waived")},
            }
            for tech, c in sorted(technologies.items())
        },
        "failures": [
            {
                "check_id": item.check_id,
                "title": item.title,
                "host": item.host,
                "outcome": outcome,
                "message": item.message,
                "remediation": item.remediation,
            }
            for item, outcome, _ in rows
            if outcome in ("failed", "broken")
        ],
        "waivers_applied": list(applied.values()),
        "waivers_expired": expired,
        "versions": facts.versions if facts else {},
        "hosts": {
            name: {
                "address": h.address,
                "host_key_sha256": h.host_key_sha256,
                "boot_time": h.boot_time,
            }
            for name, h in (facts.hosts.items() if facts else [])
        },
        "figures": figures or [],
        "notes": notes,
        "hash_covers": HASH_COVERS,
    }
    return seal(document, key)


def clusters_in(run: RunResults) -> list[str]:
    return sorted(set(run.clusters) | {c.cluster for c in run.checks if c.cluster})


def overall_exit(certificates: list[dict[str, Any]]) -> int:
    codes = {c["exit_code"] for c in certificates}
    if not certificates or exitcodes.FAILED in codes:
        return exitcodes.FAILED
    if exitcodes.PASSED_WITH_WAIVERS in codes:
        return exitcodes.PASSED_WITH_WAIVERS
    return exitcodes.PASSED
