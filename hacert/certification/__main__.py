"""``python -m hacert.certification certificate|verify|keygen`` (``hacert certify``,
``hacert verify``, ``hacert certify keygen``).

certificate RESULTS [--waivers FILE] [--cluster NAME]... [-o DIR] [--key KEY]
            [--allow-profile NAME]
    writes DIR/<cluster>.json and DIR/<cluster>.html per cluster, signed with the Ed25519
    private KEY when given; exits 0 (all pass), 6 (pass with waivers), 1 (a cluster failed),
    4 (usage error, and a run of a profile other than acceptance or full unless allowed).
verify CERT.json [CERT.html] [--results results.json] [--pubkey KEY.pub]
    recomputes the certificate's SHA-256 (and re-renders the page, and hashes the results
    file when given) and, with --pubkey, checks its signature against that public key;
    exits 0 when all match, 1 when anything was modified or not signed by that key, 4 on
    bad input.
keygen OUT
    writes a new Ed25519 key pair: OUT (private, mode 0600) and OUT.pub.
"""

from __future__ import annotations

import json
import sys
from argparse import Namespace
from pathlib import Path

from hacert.certification import exitcodes
from hacert.certification.certificate import (
    build_certificate,
    clusters_in,
    overall_exit,
    require_acceptance_profile,
)
from hacert.certification.figures import perf_figures
from hacert.certification.render import render_certificate_html
from hacert.certification.waivers import load_waivers
from hacert.errors import ConfigurationError
from hacert.grading.catalog import known_check_ids
from hacert.grading.cli import Parser
from hacert.grading.integrity import verify_file
from hacert.grading.keys import generate_key, load_private_key, load_public_key
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
    cert.add_argument("--key", type=Path, help="Ed25519 private key that signs the certificates")
    cert.add_argument(
        "--allow-profile",
        metavar="NAME",
        help="certify a run of this profile (smoke, grading, none) all the same, marked as "
        "not an acceptance certificate",
    )
    verify = sub.add_parser("verify", help="check a certificate's SHA-256 (and its page)")
    verify.add_argument("certificate", type=Path)
    verify.add_argument("html", type=Path, nargs="?")
    verify.add_argument("--results", type=Path, help="also check the results.json it came from")
    verify.add_argument(
        "--pubkey", type=Path, help="refuse unless signed by this Ed25519 public key"
    )
    keygen = sub.add_parser("keygen", help="new Ed25519 key pair: OUT and OUT.pub")
    keygen.add_argument("out", type=Path)
    return parser


def known_ids(run: RunResults) -> set[str]:
    """Ids the suite defines, plus those the run recorded (an older suite's)."""
    return known_check_ids() | {c.check_id for c in run.checks if c.check_id}


def certificate(args: Namespace) -> int:
    run = load_results(args.results)
    require_acceptance_profile(run, args.allow_profile)
    key = load_private_key(args.key) if args.key else None
    waivers = load_waivers(args.waivers, known_ids(run)) if args.waivers else None
    names = clusters_in(run)
    for wanted in args.cluster or []:
        if wanted not in names:
            raise ConfigurationError(f"--cluster {wanted}: not in {run.source}")
    certificates = []
    for name in args.cluster or names:
        figures = perf_figures(args.perf_store, run.run_id, name)
        cert = build_certificate(run, name, waivers, figures, key)
        json_path = args.out / f"{name}.json"
        args.out.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(cert, indent=2, ensure_ascii=False) + "\n", "utf-8")
        html = render_certificate_html(cert, json_path.name)
        (args.out / f"{name}.html").write_text(html, encoding="utf-8")
        certificates.append(cert)
        print(f"{name}: {cert['verdict']} ({json_path}, sha256 {cert['sha256']})")
    return overall_exit(certificates)


def verify(args: Namespace) -> int:
    pubkey = load_public_key(args.pubkey) if args.pubkey else None
    ok, line = verify_file(args.certificate, pubkey)
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


def keygen(args: Namespace) -> int:
    print(f"{args.out}: new Ed25519 key {generate_key(args.out)}; public key {args.out}.pub")
    return exitcodes.PASSED


COMMANDS = {"certificate": certificate, "verify": verify, "keygen": keygen}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:2] == ["certificate", "keygen"]:  # `hacert certify keygen OUT`
        argv = argv[1:]
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except ConfigurationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exitcodes.USAGE_ERROR


if __name__ == "__main__":
    sys.exit(main())
