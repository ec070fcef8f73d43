"""Allure attachments and perf figures for checks (both optional at run time)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from hacert.text import attachment, quote

if TYPE_CHECKING:
    from hacert.cluster import Node


def attach_text(name: str, text: str) -> None:
    """Attaches ``text`` to the running check's Allure result (masked, at most 1 MiB)."""
    try:
        import allure  # optional for library users
    except ImportError:  # pragma: no cover
        return
    allure.attach(attachment(text), name=quote(name), attachment_type=allure.attachment_type.TEXT)


def attach_command(node: Node, argv: list[str], name: str | None = None) -> str:
    result = node.run(argv, timeout=20)
    text = result.stdout if result.ok else result.describe()
    attach_text(name or f"{node.name}: {' '.join(argv)}", text)
    return text


def perf_recorder(request: pytest.FixtureRequest) -> Any | None:
    """The `perf_recorder` fixture when the perf plugin is loaded, else None."""
    try:
        return request.getfixturevalue("perf_recorder")
    except pytest.FixtureLookupError:
        return None


def record(
    recorder: Any | None,
    *,
    metric: str,
    value: float,
    unit: str,
    direction: str,
    target: str,
    cluster: str,
) -> None:
    if recorder is None:
        return
    recorder.record(
        metric=metric, value=value, unit=unit, direction=direction, target=target, cluster=cluster
    )
