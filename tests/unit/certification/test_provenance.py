"""What a run records about the tool that took it: version, git commit, check catalogue."""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from importlib.metadata import version
from pathlib import Path

from hacert import provenance
from hacert.catalog import load_catalog
from tests.unit.grading.project import REPO, make_project, run_pytest


def test_catalogue_digest_follows_ids_titles_and_severities() -> None:
    metas = [e.meta for e in load_catalog()]
    digest = provenance.catalogue_digest(metas)
    assert len(digest) == 64 and digest == provenance.catalogue_digest(metas[::-1])
    retitled = [replace(metas[0], title=metas[0].title + "!"), *metas[1:]]
    assert provenance.catalogue_digest(retitled) != digest
    severity = "minor" if metas[0].severity != "minor" else "major"
    assert provenance.catalogue_digest([replace(metas[0], severity=severity), *metas[1:]]) != digest
    assert provenance.catalogue_digest(metas[1:]) != digest


def test_version_and_commit_of_this_checkout() -> None:
    head = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert provenance.hacert_version() == version("hacert")
    assert provenance.git_commit(REPO).removesuffix("-dirty") == head


def test_outside_a_checkout_there_is_no_commit(tmp_path: Path) -> None:
    assert provenance.git_commit(tmp_path) is None


def test_results_json_records_profile_version_commit_and_catalogue(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    run = run_pytest(project, "--profile", "acceptance", "--cluster", "bob", "-k", "test_pass")
    assert run.returncode == 0, run.stdout + run.stderr
    results = json.loads((project / "reports" / "results.json").read_text())
    assert results["profile"] == "acceptance"
    assert results["hacert_version"] == version("hacert")
    assert results["git_commit"] == provenance.git_commit(REPO)
    assert results["catalogue_digest"] == provenance.catalogue_digest(
        [e.meta for e in load_catalog()]
    )
