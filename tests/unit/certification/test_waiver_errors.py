"""Every malformed waiver file gives one clear line naming file, place and problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from hacert.certification.waivers import load_waivers
from hacert.errors import ConfigurationError

KNOWN = {"PCMK-001", "COROSYNC-001"}
HEAD = "version: 1\nwaivers:\n"
GOOD = "  - check: PCMK-001\n    justification: vendor bug 123\n    expires: 2030-01-31\n"

CASES = [
    # (id, YAML text, expected place, expected problem)
    (
        "bad-yaml",
        HEAD + "  - check: PCMK-001\n\tjustification: x\n",
        ":4",
        "bad YAML",
    ),
    (
        "unknown-key",
        HEAD + GOOD + "    justfication: typo\n",
        ":6: waivers[0].justfication",
        "unknown key 'justfication'",
    ),
    (
        "missing-justification",
        HEAD + "  - check: PCMK-001\n    expires: 2030-01-31\n",
        ":3: waivers[0].justification",
        "missing required key 'justification'",
    ),
    (
        "empty-justification",
        HEAD + "  - check: PCMK-001\n    justification: ''\n    expires: 2030-01-31\n",
        ":4: waivers[0].justification",
        "at least 1 character",
    ),
    (
        "bad-date",
        HEAD + "  - check: PCMK-001\n    justification: x\n    expires: 2026-13-01\n",
        ":5: waivers[0].expires",
        "valid date",
    ),
    (
        "date-words",
        HEAD + "  - check: PCMK-001\n    justification: x\n    expires: next week\n",
        ":5: waivers[0].expires",
        "valid date",
    ),
    (
        "missing-expiry",
        HEAD + "  - check: PCMK-001\n    justification: x\n",
        ":3: waivers[0].expires",
        "missing required key 'expires'",
    ),
    (
        "unknown-check",
        HEAD + "  - check: PCMK-404\n    justification: x\n    expires: 2030-01-31\n",
        ":3: waivers[0].check",
        "unknown check id 'PCMK-404'",
    ),
    (
        "bad-check-format",
        HEAD + "  - check: pcmk\n    justification: x\n    expires: 2030-01-31\n",
        ":3: waivers[0].check",
        "should match pattern",
    ),
    (
        "clusters-text",
        HEAD + GOOD + "    clusters: prod\n",
        ":6: waivers[0].clusters",
        "valid list",
    ),
    (
        "clusters-empty",
        HEAD + GOOD + "    clusters: []\n",
        ":6: waivers[0].clusters",
        "at least 1 item",
    ),
    (
        "version-2",
        "version: 2\nwaivers: []\n",
        ":1: version",
        "Input should be 1",
    ),
    (
        "waivers-mapping",
        "version: 1\nwaivers: {check: PCMK-001}\n",
        ":2: waivers",
        "valid list",
    ),
    (
        "duplicate-key",
        HEAD + "  - check: PCMK-001\n    check: PCMK-002\n",
        ":4",
        "duplicate key 'check'",
    ),
    (
        "top-text",
        "just text\n",
        "",
        "expected a mapping at the top, found text",
    ),
    (
        "empty",
        "",
        "",
        "file is empty",
    ),
]


def _one_line(error: BaseException) -> str:
    text = str(error)
    assert "\n" not in text, text
    assert text.startswith("waiver error: "), text
    return text


@pytest.mark.parametrize(
    ("text", "place", "problem"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_malformed_waiver_file_is_one_clear_line(
    tmp_path: Path, text: str, place: str, problem: str
) -> None:
    path = tmp_path / "waivers.yaml"
    path.write_text(text)
    with pytest.raises(ConfigurationError) as caught:
        load_waivers(path, KNOWN)
    line = _one_line(caught.value)
    assert f"{path}{place}" in line, line
    assert problem in line, line


def test_missing_waiver_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_waivers(tmp_path / "none.yaml", KNOWN)
    assert _one_line(caught.value).endswith("none.yaml: file not found")


def test_waiver_naming_a_cluster_not_in_the_inventory(tmp_path: Path) -> None:
    path = tmp_path / "waivers.yaml"
    path.write_text(HEAD + GOOD + "    clusters: [prod-a, prod-z]\n")
    waivers = load_waivers(path, KNOWN)
    with pytest.raises(ConfigurationError) as caught:
        waivers.require_known_clusters({"prod-a"})
    line = _one_line(caught.value)
    assert ":6: waivers[0].clusters[1]: unknown cluster 'prod-z'" in line, line
