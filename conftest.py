"""hacert's pytest plugins, registered for every run (suites and the project's own tests)."""

pytest_plugins = [
    "fixtures.targets",
    "fixtures.selection",
    "fixtures.reporting",
    "fixtures.perf_plugin",
    "fixtures.safety",
    "fixtures.grading_plugin",
    "fixtures.waivers_plugin",
]
