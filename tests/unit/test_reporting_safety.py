"""Reports are hacert's own files: the secret scrub never touches anything else, and what a
host prints is data (capped, no control sequences), never bulk or terminal control."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import LoopbackSshd
from tests.unit.report_probe import PASSWORD, Outputs, start, write_inventory


def _run(
    tmp_path: Path, sshd: LoopbackSshd, outputs: Outputs, *selection: str, command: str
) -> str:
    inventory = write_inventory(tmp_path / "site.yaml", sshd)
    process = start(inventory, outputs, *selection, env={"HACERT_TEST_COMMAND": command})
    output, _ = process.communicate(timeout=180)
    return output


def _written(outputs: Outputs) -> list[Path]:
    return [outputs.results, outputs.junit, *outputs.allure.iterdir()]


def test_scrub_leaves_user_files_next_to_the_reports_byte_identical(
    tmp_path: Path, loopback_sshd: LoopbackSshd
) -> None:
    """`--results-json results.json` from a project folder: its other files are the user's."""
    user_files = {
        tmp_path / "notes.txt": f"lab password is {PASSWORD}\n".encode(),
        tmp_path / "deep" / "vars.yml": f"pw: {PASSWORD}\r\n".encode(),
    }
    for path, content in user_files.items():
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(content)
    outputs = Outputs(tmp_path / "results.json", tmp_path / "junit.xml", tmp_path / "allure")
    inventory_before = write_inventory(tmp_path / "site.yaml", loopback_sshd).read_bytes()
    output = _run(
        tmp_path, loopback_sshd, outputs, "-k", "quotes_output", command=f"echo {PASSWORD}"
    )
    assert "1 failed" in output, output
    for path, content in user_files.items():
        assert path.read_bytes() == content, f"{path} was rewritten"
    assert (tmp_path / "site.yaml").read_bytes() == inventory_before
    for path in _written(outputs):
        assert PASSWORD not in path.read_text(errors="replace"), f"secret in {path}"
    assert PASSWORD not in output


HOSTILE = (
    r"printf '\033]0;pwned\007\033[2J\033[31mFIRST-LINE\n'; "
    r"head -c 3000000 /dev/zero | tr '\0' x | fold -w 100; printf '\233\033[1mLAST-LINE\n'"
)


def test_huge_output_with_escape_sequences_is_quoted_as_bounded_data(
    tmp_path: Path, loopback_sshd: LoopbackSshd
) -> None:
    """3 MB with terminal control from a host: bounded messages, one capped attachment."""
    outputs = Outputs(tmp_path / "results.json", tmp_path / "junit.xml", tmp_path / "allure")
    output = _run(
        tmp_path, loopback_sshd, outputs, "-k", "quotes_output or cannot_parse", command=HOSTILE
    )
    assert "2 failed" in output, output[-3000:]
    sizes = {path.name: path.stat().st_size for path in _written(outputs)}
    assert len(output) < 150_000 and "\x1b" not in output and "\x07" not in output
    assert sizes["junit.xml"] < 150_000 and sizes["results.json"] < 100_000, sizes
    assert sum(sizes.values()) < 1_400_000, sizes
    for path in _written(outputs):
        assert "\x1b" not in path.read_text(errors="replace"), path
    checks = json.loads(outputs.results.read_text())["checks"]
    assert {c["outcome"] for c in checks} == {"failed", "broken"}
    for check in checks:
        message = check["message"]
        assert "FIRST-LINE" in message and "LAST-LINE" in message, message
        assert "bytes omitted" in message and len(message) < 12_000
    attached = [p for p in outputs.allure.glob("*-attachment*") if p.stat().st_size > 500_000]
    assert len(attached) == 1 and "more bytes not kept" in attached[0].read_text()
