"""The regression statistics need numpy and scipy (the ``perf`` extra); they are imported
only when a verdict is computed, so a run without performance checks never loads them."""

from __future__ import annotations

from types import SimpleNamespace

INSTALL_HINT = "pip install 'hacert[perf]'"


class PerfExtraMissing(ImportError):
    """numpy/scipy/matplotlib are not installed; say what to install."""


def statistics_extra() -> SimpleNamespace:
    """Mann-Whitney U and E-Divisive, imported on first use."""
    try:
        from scipy.stats import mannwhitneyu

        from hacert.perf.changepoints import e_divisive
    except ImportError as error:
        raise PerfExtraMissing(
            f"performance verdicts need numpy and scipy ({error.name} is missing): {INSTALL_HINT}"
        ) from None
    return SimpleNamespace(mannwhitneyu=mannwhitneyu, e_divisive=e_divisive)
