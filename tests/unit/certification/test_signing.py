"""Signed certificates: a real Ed25519 signature, checked against a public key."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from hacert.certification import __main__ as cli
from tests.unit.grading.factory import document, host, item, write


def _results(tmp_path: Path) -> Path:
    checks = [item("PCMK-001", "prod-a", "passed", "n1"), item("COROSYNC-001", "prod-a", "passed")]
    doc = document({"prod-a": {"n1": host("10.0.0.1")}}, checks, profile="acceptance")
    return write(tmp_path / "results.json", doc)


def _keygen(path: Path) -> Path:
    assert cli.main(["keygen", str(path)]) == 0
    return path


def _certify(tmp_path: Path, *extra: str) -> Path:
    out = tmp_path / "certs"
    assert cli.main(["certificate", str(_results(tmp_path)), "-o", str(out), *extra]) == 0
    return out / "prod-a.json"


def _old_style_reseal(path: Path, **changes: object) -> None:
    """What a forger does: edit, then recompute the SHA-256 the way the file documents it."""
    cert = json.loads(path.read_text())
    cert.update(changes)
    cert.pop("sha256")
    body = json.dumps(cert, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    cert["sha256"] = hashlib.sha256(body.encode()).hexdigest()
    path.write_text(json.dumps(cert, indent=2))


def test_signed_certificate_verifies_with_its_public_key(tmp_path: Path, capsys) -> None:
    key = _keygen(tmp_path / "signing")
    cert = _certify(tmp_path, "--key", str(key))
    signature = json.loads(cert.read_text())["signature"]
    assert signature["algorithm"] == "ed25519" and signature["key"].startswith("SHA256:")
    html = cert.with_suffix(".html")
    assert signature["key"] in html.read_text()
    capsys.readouterr()
    assert cli.main(["verify", str(cert), str(html), "--pubkey", f"{key}.pub"]) == 0
    out = capsys.readouterr().out
    assert f"signed by {signature['key']}" in out and "unsigned" not in out


def test_edited_signed_certificate_with_recomputed_hash_is_refused(tmp_path: Path, capsys) -> None:
    key = _keygen(tmp_path / "signing")
    cert = _certify(tmp_path, "--key", str(key))
    _old_style_reseal(cert, verdict="PASS", cluster="prod-b")
    capsys.readouterr()
    assert cli.main(["verify", str(cert), "--pubkey", f"{key}.pub"]) == 1
    assert "signature does not match" in capsys.readouterr().out


def test_wrong_public_key_is_refused(tmp_path: Path, capsys) -> None:
    cert = _certify(tmp_path, "--key", str(_keygen(tmp_path / "signing")))
    other = _keygen(tmp_path / "other")
    capsys.readouterr()
    assert cli.main(["verify", str(cert), "--pubkey", f"{other}.pub"]) == 1
    assert "not by the given key" in capsys.readouterr().out


def test_unsigned_certificate_says_integrity_only_and_is_refused_with_a_key(
    tmp_path: Path, capsys
) -> None:
    cert = _certify(tmp_path)
    assert "signature" not in json.loads(cert.read_text())
    capsys.readouterr()
    assert cli.main(["verify", str(cert)]) == 0
    assert "unsigned: integrity only, not authenticity" in capsys.readouterr().out
    key = _keygen(tmp_path / "signing")
    assert cli.main(["verify", str(cert), "--pubkey", f"{key}.pub"]) == 1
    assert "unsigned" in capsys.readouterr().out


def test_stripping_the_signature_is_refused_with_a_key(tmp_path: Path, capsys) -> None:
    key = _keygen(tmp_path / "signing")
    cert = _certify(tmp_path, "--key", str(key))
    data = json.loads(cert.read_text())
    data.pop("signature")
    cert.write_text(json.dumps(data))
    _old_style_reseal(cert)
    assert cli.main(["verify", str(cert), "--pubkey", f"{key}.pub"]) == 1


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="needs OpenSSH's ssh-keygen")
def test_ssh_keygen_keys_sign_and_verify_with_the_same_fingerprint(tmp_path: Path, capsys) -> None:
    key = tmp_path / "id_ed25519"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "cert", "-f", str(key)], check=True
    )
    listed = subprocess.run(
        ["ssh-keygen", "-l", "-f", f"{key}.pub"], check=True, capture_output=True, text=True
    ).stdout.split()[1]
    cert = _certify(tmp_path, "--key", str(key))
    assert json.loads(cert.read_text())["signature"]["key"] == listed
    assert cli.main(["verify", str(cert), "--pubkey", f"{key}.pub"]) == 0


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="needs OpenSSH's ssh-keygen")
def test_unusable_keys_are_usage_errors(tmp_path: Path, capsys, monkeypatch) -> None:
    rsa = tmp_path / "id_rsa"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", str(rsa)], check=True
    )
    results = _results(tmp_path)
    assert cli.main(["certificate", str(results), "--key", str(rsa)]) == 4
    assert "not an Ed25519 key" in capsys.readouterr().err
    assert cli.main(["certificate", str(results), "--key", str(tmp_path / "nope")]) == 4
    assert "cannot read" in capsys.readouterr().err
    secret = tmp_path / "locked"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "pw", "-f", str(secret)], check=True)
    assert cli.main(["certificate", str(results), "--key", str(secret)]) == 4
    assert "HACERT_KEY_PASSPHRASE" in capsys.readouterr().err
    monkeypatch.setenv("HACERT_KEY_PASSPHRASE", "pw")
    out = ["-o", str(tmp_path / "certs")]
    assert cli.main(["certificate", str(results), "--key", str(secret), *out]) == 0


def test_keygen_refuses_to_overwrite_and_keeps_the_key_private(tmp_path: Path, capsys) -> None:
    key = _keygen(tmp_path / "signing")
    assert key.stat().st_mode & 0o777 == 0o600
    assert Path(f"{key}.pub").read_text().startswith("ssh-ed25519 ")
    assert cli.main(["keygen", str(key)]) == 4
    assert "exists" in capsys.readouterr().err
