"""``python -m hacert.certification certificate|verify``.

certificate RESULTS [--waivers FILE] [--cluster NAME]... [-o DIR]
    writes DIR/<cluster>.json and DIR/<cluster>.html per cluster; exits 0 (all pass),
    6 (pass with waivers), 1 (a cluster failed), 4 (usage error).
verify CERT.json [CERT.html] [--results results.json]
    recomputes the certificate's SHA-256 (and re-renders the page, and hashes the results
    file when given); exits 0 when all match, 1 when anything was modified, 4 on bad input.
"""

from __future__ import annotations

import json
import sys
from argparse import Namespace
from pathlib import Path

from hacert.certification import exitcodes
from hacert.certification.certificate import build_certificate, clusters_in, overall_exit
from hacert.certification.figures import perf_figures
from hacert.certification.render import render_certificate_html
from hacert.certification.waivers import load_waivers
from hacert.errors import ConfigurationError
from hacert.grading.catalog import known_check_ids
from hacert.grading.cli import Parser
from hacert.grading.integrity import verify_file
from hacert.grading.results import RunResults, load_results


def _parser() -> Parser:
    parser = Parser(prog="python -m hacert.certification")
    sub = parser.add_subparsers(dest="command", required=True)
    cert = sub.add_parser("certificate", help="certificate per cluster from a results.json")
    cert.add_argument("results", type=Path, help="results.json or the directory holding it")
    cert.add_argument("--waivers", type=Path, help="waiver YAML to apply to failed checks")
    cert.add_argument("--cluster", action="append", help="only this cluster (repeatable)")
    cert.add_argument("-o", "--out", type=Path, default=Path("reports/certificates"))
    cert.add_argument(
        "--perf-store",
        type=Path,
        default=Path("reports/perf.sqlite"),
        help="perf result store with the run's figures (default %(default)s; absent: none)",
    )
    verify = sub.add_parser("verify", help="check a certificate's SHA-256 (and its page)")
    verify.add_argument("certificate", type=Path)
    verify.add_argument("html", type=Path, nargs="?")
    verify.add_argument("--results", type=Path, help="also check the results.json it came from")
    return parser


def known_ids(run: RunResults) -> set[str]:
    """Ids the suite defines, plus those the run recorded (an older suite's)."""
    return known_check_ids() | {c.check_id for c in run.checks if c.check_id}


def certificate(args: Namespace) -> int:
    run = load_results(args.results)
    waivers = load_waivers(args.waivers, known_ids(run)) if args.waivers else None
    names = clusters_in(run)
    for wanted in args.cluster or []:
        if wanted not in names:
            raise ConfigurationError(f"--cluster {wanted}: not in {run.source}")
    certificates = []
    for name in args.cluster or names:
        figures = perf_figures(args.perf_store, run.run_id, name)
        cert = build_certificate(run, name, waivers, figures)
        json_path = args.out / f"{name}.json"
        args.out.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(cert, indent=2, ensure_ascii=False) + "\n", "utf-8")
        html = render_certificate_html(cert, json_path.name)
        (args.out / f"{name}.html").write_text(html, encoding="utf-8")
        certificates.append(cert)
        print(f"{name}: {cert['verdict']} ({json_path}, sha256 {cert['sha256']})")
    return overall_exit(certificates)


def verify(args: Namespace) -> int:
    ok, line = verify_file(args.certificate)
    print(line)
    if not ok:
        return exitcodes.FAILED
    cert = json.loads(args.certificate.read_text(encoding="utf-8"))
    if args.html is not None:
        try:
            page = args.html.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigurationError(f"{args.html}: cannot read: {exc.strerror}") from None
        same = page == render_certificate_html(cert, args.certificate.name)
        print(f"{args.html}: {'OK matches the certificate' if same else 'MODIFIED'}")
        ok = ok and same
    if args.results is not None:
        run = load_results(args.results)
        same = run.sha256 == cert["run"]["results_sha256"]
        print(f"{run.source}: {'OK' if same else 'DIFFERENT'} sha256 {run.sha256}")
        ok = ok and same
    return exitcodes.PASSED if ok else exitcodes.FAILED


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return certificate(args) if args.command == "certificate" else verify(args)
    except ConfigurationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exitcodes.USAGE_ERROR


if __name__ == "__main__":
    sys.exit(main())
