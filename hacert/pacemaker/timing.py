"""Pacemaker time values and the fencing timeouts built from them.

Pacemaker reads intervals like ``crm_get_msec``: a number with an optional unit (``ms``/
``msec``, ``us``/``usec``, ``s``/``sec``, ``m``/``min``, ``h``/``hr``); no unit means seconds.
Fence agents' own timeouts (``power_timeout``, ``shell_timeout``...) are plain seconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hacert.pacemaker.cib import CibConfig, Primitive

DEFAULT_FENCING_TIMEOUT_S = 60.0
FENCING_TIMEOUT_NAMES = ("fencing-timeout", "stonith-timeout")  # Pacemaker 3 name first
# What a device's fencing may take, as configured on the device itself.
DEVICE_TIMEOUTS = ("pcmk_reboot_timeout", "pcmk_off_timeout", "power_timeout")
DELAY_PARAMS = ("pcmk_delay_base", "pcmk_delay_max")
SBD_MARGIN = 1.2

_TIME = re.compile(r"^\s*(?P<n>[0-9]+(?:\.[0-9]+)?)\s*(?P<unit>[a-zA-Z]*)\s*$")
_UNITS = {
    "": 1.0,
    "s": 1.0,
    "sec": 1.0,
    "ms": 0.001,
    "msec": 0.001,
    "us": 0.000001,
    "usec": 0.000001,
    "m": 60.0,
    "min": 60.0,
    "h": 3600.0,
    "hr": 3600.0,
}


def seconds(text: str) -> float:
    """A Pacemaker interval in seconds ("60s", "2min", "90", "1500ms"); ValueError if not one."""
    match = _TIME.match(text)
    unit = match.group("unit").lower() if match else None
    if match is None or unit not in _UNITS:
        raise ValueError(f"not a Pacemaker time value: {text!r}")
    return float(match.group("n")) * _UNITS[unit]


def fencing_timeout(cib: CibConfig) -> tuple[str, float]:
    """(how it is set, seconds): fencing-timeout / stonith-timeout, default 60 s."""
    for name in FENCING_TIMEOUT_NAMES:
        value = cib.properties.get(name)
        if value is not None:
            return f"{name}={value}", seconds(value)
    return f"stonith-timeout unset (default {DEFAULT_FENCING_TIMEOUT_S:g}s)", (
        DEFAULT_FENCING_TIMEOUT_S
    )


def device_timeouts(device: Primitive) -> dict[str, float]:
    """The timeouts configured on a fence device, in seconds (unparseable ones left out)."""
    found: dict[str, float] = {}
    for name in DEVICE_TIMEOUTS:
        value = device.params.get(name)
        if value is None:
            continue
        try:
            found[name] = seconds(value)
        except ValueError:
            continue
    return found


@dataclass(frozen=True)
class TimeoutJudgement:
    setting: str
    timeout_s: float
    problems: tuple[str, ...]


def judge_fencing_timeout(cib: CibConfig, sbd_figure_s: float | None = None) -> TimeoutJudgement:
    """The fencing timeout must cover every device's own timeouts and 1.2 x SBD's figure."""
    setting, timeout = fencing_timeout(cib)
    found: list[str] = []
    for device in cib.fence_devices():
        for name, value in device_timeouts(device).items():
            if timeout < value:
                found.append(f"{device.id} {name}={device.params[name]} ({value:g}s)")
    if sbd_figure_s is not None and timeout < SBD_MARGIN * sbd_figure_s:
        found.append(f"SBD {sbd_figure_s:g}s x {SBD_MARGIN:g} = {SBD_MARGIN * sbd_figure_s:g}s")
    return TimeoutJudgement(setting=setting, timeout_s=timeout, problems=tuple(found))


def _delays(value: str) -> list[float]:
    """pcmk_delay_base may map nodes to delays: "node1:5s;node2:0s"."""
    delays = []
    for part in re.split(r"[;,\s]+", value.strip()):
        if not part:
            continue
        try:
            delays.append(seconds(part.rsplit(":", 1)[-1]))
        except ValueError:
            continue
    return delays


def fencing_delay(cib: CibConfig) -> str | None:
    """What delays fencing of one side of a split (priority-fencing-delay > 0 or a device
    pcmk_delay_base/pcmk_delay_max > 0), or None."""
    priority = cib.properties.get("priority-fencing-delay")
    if priority is not None:
        try:
            if seconds(priority) > 0:
                return f"priority-fencing-delay={priority}"
        except ValueError:
            pass
    for device in cib.fence_devices():
        for name in DELAY_PARAMS:
            value = device.params.get(name)
            if value is not None and any(d > 0 for d in _delays(value)):
                return f"{device.id} {name}={value}"
    return None
