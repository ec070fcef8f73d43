"""Certificates: verdicts, waivers applied or expired, the seal and its verify command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hacert.certification import __main__ as cli
from hacert.certification.certificate import build_certificate
from hacert.certification.render import render_certificate_html
from hacert.certification.waivers import load_waivers
from hacert.grading.results import load_results
from tests.unit.grading.factory import document, host, item, write

WAIVERS = """\
version: 1
waivers:
  - check: PCMK-002
    justification: stonith-timeout raised by vendor advice, ticket OPS-42
    expires: 2026-12-31
    clusters: [prod-a]
    approved_by: release board
  - check: COROSYNC-001
    justification: second ring arrives next quarter
    expires: 2026-11-01
"""


def _run(tmp_path: Path, pcmk2: str = "failed", corosync: str = "passed") -> Path:
    hosts = {"n1": host("10.0.0.1"), "n2": host("10.0.0.2")}
    checks = [
        item("PCMK-001", "prod-a", "passed", "n1"),
        item("PCMK-001", "prod-a", "passed", "n2"),
        item("PCMK-002", "prod-a", pcmk2, message="expected: 60s\nfound: 120s"),
        item("COROSYNC-001", "prod-a", corosync),
        item("HOSTS-001", "prod-a", "skipped", message="not applicable"),
    ]
    return write(
        tmp_path / "results.json", document({"prod-a": hosts}, checks, profile="acceptance")
    )


def _waivers(tmp_path: Path):
    path = tmp_path / "waivers.yaml"
    path.write_text(WAIVERS)
    return path


def test_waived_failure_is_waived_not_passed(tmp_path: Path) -> None:
    run = load_results(_run(tmp_path))
    cert = build_certificate(run, "prod-a", load_waivers(_waivers(tmp_path)))
    assert cert["verdict"] == "PASS WITH WAIVERS" and cert["exit_code"] == 6
    assert cert["counts"] == {"passed": 3, "failed": 0, "broken": 0, "skipped": 1, "waived": 1}
    assert cert["technologies"]["pacemaker"]["verdict"] == "pass with waivers"
    assert cert["waivers_applied"][0]["check"] == "PCMK-002"
    assert cert["waivers_applied"][0]["targets"] == ["prod-a"]
    assert cert["figures"] == []
    assert cert["versions"] == {"pacemaker": "2.1.5"}
    assert cert["hosts"]["n1"]["host_key_sha256"] == "SHA256:abc"


def test_expired_waiver_no_longer_applies_and_says_so(tmp_path: Path) -> None:
    run = load_results(_run(tmp_path, corosync="failed"))
    cert = build_certificate(run, "prod-a", load_waivers(_waivers(tmp_path)))
    assert cert["verdict"] == "FAIL" and cert["exit_code"] == 1
    assert [(w["check"], w["failures_named"]) for w in cert["waivers_expired"]] == [
        ("COROSYNC-001", 1)
    ]
    assert [f["check_id"] for f in cert["failures"]] == ["COROSYNC-001"]


def test_without_waivers_a_failure_fails_and_all_pass_passes(tmp_path: Path) -> None:
    assert build_certificate(load_results(_run(tmp_path)), "prod-a")["verdict"] == "FAIL"
    cert = build_certificate(load_results(_run(tmp_path, pcmk2="passed")), "prod-a")
    assert cert["verdict"] == "PASS" and cert["exit_code"] == 0


def test_broken_check_fails_certification(tmp_path: Path) -> None:
    cert = build_certificate(load_results(_run(tmp_path, pcmk2="broken")), "prod-a")
    assert cert["verdict"] == "FAIL" and cert["failures"][0]["outcome"] == "broken"


def test_cli_writes_certificate_and_verify_detects_edits(tmp_path: Path, capsys) -> None:
    out = tmp_path / "certs"
    code = cli.main(
        ["certificate", str(_run(tmp_path)), "--waivers", str(_waivers(tmp_path)), "-o", str(out)]
    )
    assert code == 6
    cert_json, cert_html = out / "prod-a.json", out / "prod-a.html"
    assert "PASS WITH WAIVERS" in cert_html.read_text()
    assert (
        cli.main(
            ["verify", str(cert_json), str(cert_html), "--results", str(tmp_path / "results.json")]
        )
        == 0
    )
    page = cert_html.read_text()
    cert_html.write_text(page.replace("PASS WITH WAIVERS", "PASS"))
    assert cli.main(["verify", str(cert_json), str(cert_html)]) == 1
    cert = json.loads(cert_json.read_text())
    cert["verdict"] = "PASS"
    cert_json.write_text(json.dumps(cert))
    assert cli.main(["verify", str(cert_json)]) == 1
    assert "MODIFIED" in capsys.readouterr().out


def test_cli_usage_errors_exit_4_with_one_line(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "version: 1\nwaivers:\n  - check: PCMK-404\n    justification: x\n    expires: 2030-01-01\n"
    )
    assert cli.main(["certificate", str(_run(tmp_path)), "--waivers", str(bad)]) == 4
    err = capsys.readouterr().err
    assert (
        err.count("\n") == 1 and "bad.yaml:3: waivers[0].check: unknown check id 'PCMK-404'" in err
    )
    assert cli.main(["certificate", str(tmp_path / "missing.json")]) == 4
    assert "cannot read" in capsys.readouterr().err


def test_expired_waiver_is_listed_even_without_a_failure(tmp_path: Path) -> None:
    cert = build_certificate(
        load_results(_run(tmp_path)), "prod-a", load_waivers(_waivers(tmp_path))
    )
    assert [(w["check"], w["failures_named"]) for w in cert["waivers_expired"]] == [
        ("COROSYNC-001", 0)
    ]


def test_figures_come_from_the_perf_store(tmp_path: Path, capsys) -> None:
    from hacert.perf.store import Measurement, ResultStore

    results = _run(tmp_path, pcmk2="passed")
    with ResultStore(tmp_path / "perf.sqlite") as store:
        store.ensure_run("20261125T170000Z-abcd")
        store.record_many(
            Measurement(
                "20261125T170000Z-abcd",
                "prod-a",
                "vip:n1->n2",
                "failover.time",
                value,
                "s",
                "lower",
                repetition=i,
            )
            for i, value in enumerate([0.9, 1.1, 1.0])
        )
    out = tmp_path / "certs"
    args = ["certificate", str(results), "--perf-store", str(tmp_path / "perf.sqlite")]
    assert cli.main([*args, "-o", str(out)]) == 0
    cert = json.loads((out / "prod-a.json").read_text())
    assert cert["figures"] == [
        {
            "target": "vip:n1->n2",
            "metric": "failover.time",
            "unit": "s",
            "median": 1.0,
            "samples": 3,
            "verdict": None,
            "change_pct": None,
        }
    ]
    assert "1 s" in (out / "prod-a.html").read_text()


def test_technology_with_no_check_run_is_not_checked(tmp_path: Path) -> None:
    checks = [
        item("PCMK-001", "prod-a", "passed"),
        item("OVS-001", "prod-a", "skipped", message="not applicable"),
    ]
    results = write(tmp_path / "r.json", document({"prod-a": {}}, checks, profile="acceptance"))
    cert = build_certificate(load_results(results), "prod-a")
    assert cert["technologies"]["ovs"]["verdict"] == "not checked"
    assert cert["technologies"]["pacemaker"]["verdict"] == "pass"
    page = render_certificate_html(cert)
    assert "<td>ovs</td><td>not checked</td>" in page


def test_cluster_where_every_check_was_skipped_fails(tmp_path: Path) -> None:
    checks = [item("OVS-001", "prod-a", "skipped", message="not applicable")]
    results = write(tmp_path / "r.json", document({"prod-a": {}}, checks, profile="acceptance"))
    cert = build_certificate(load_results(results), "prod-a")
    assert cert["verdict"] == "FAIL" and cert["notes"] == [
        "no check ran on cluster 'prod-a'",
        "the run recorded no hacert version or check catalogue (an older hacert)",
    ]


@pytest.mark.parametrize("profile", ["smoke", "grading", None])
def test_certificate_from_a_non_acceptance_profile_is_refused(
    tmp_path: Path, capsys, profile: str | None
) -> None:
    doc = document({"prod-a": {}}, [item("PCMK-001", "prod-a", "passed")], profile=profile)
    results = write(tmp_path / "results.json", doc)
    out = tmp_path / "certs"
    assert cli.main(["certificate", str(results), "-o", str(out)]) == 4
    err = capsys.readouterr().err
    assert f"profile {profile or 'none'}" in err and "--allow-profile" in err
    assert not out.exists()
    allow = ["--allow-profile", profile or "none"]
    assert cli.main(["certificate", str(results), "-o", str(out), *allow]) == 0
    cert = json.loads((out / "prod-a.json").read_text())
    assert cert["profile"] == profile and cert["acceptance_profile"] is False
    assert (
        f"NOT AN ACCEPTANCE CERTIFICATE: profile {profile or 'none'}"
        in (out / "prod-a.html").read_text()
    )


def test_certificate_records_the_profile_version_commit_and_catalogue(tmp_path: Path) -> None:
    doc = document({"prod-a": {}}, [item("PCMK-001", "prod-a", "passed")], profile="acceptance")
    doc.update(hacert_version="0.2.0", git_commit="0123abc", catalogue_digest="f" * 64)
    cert = build_certificate(load_results(write(tmp_path / "r.json", doc)), "prod-a")
    assert cert["profile"] == "acceptance" and cert["acceptance_profile"] is True
    assert cert["hacert"] == {
        "version": "0.2.0",
        "git_commit": "0123abc",
        "catalogue_digest": "f" * 64,
    }
    page = render_certificate_html(cert)
    assert "Profile <b>acceptance</b>" in page and "0123abc" in page and "f" * 64 in page
