"""Nightly performance regression: result store, statistics, change points, verdicts, plots.

Modules:

* :mod:`perf.store` - ``Measurement`` and the SQLite ``ResultStore``.
* :mod:`perf.stats` - sample summaries and the repeat-until-stable policy.
* :mod:`perf.changepoints` - E-Divisive means change-point detection.
* :mod:`perf.verdicts` - per-night Mann-Whitney verdicts and confirmed shifts.
* :mod:`perf.trends` - PNG trend plots; :mod:`perf.report` - verdict tables.
* ``python -m hacert.perf`` - the command line (summary, accept-baseline, export, history).

The pytest side is ``fixtures/perf_plugin.py`` (fixture ``perf_recorder``).
"""
