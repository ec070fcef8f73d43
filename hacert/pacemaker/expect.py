"""What the inventory may expect of a cluster's pacemaker setup (the `expect.pacemaker` section).

Constraints are written as short sentences::

    ordering:   ["start vip then start web", "vip then web", "promote db-clone then start app"]
    colocation: ["web with vip", "app with Promoted db-clone"]
    location:   ["dummy1 prefers node1", "dummy1 avoids node3"]
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator

from hacert.modelbase import StrictModel

_ACTIONS = "start|stop|promote|demote"
_ORDER = re.compile(
    rf"^(?:(?P<first_action>{_ACTIONS})\s+)?(?P<first>\S+)\s+then\s+"
    rf"(?:(?P<then_action>{_ACTIONS})\s+)?(?P<then>\S+)$"
)
_COLOCATION = re.compile(
    r"^(?:(?P<rsc_role>Started|Promoted|Unpromoted)\s+)?(?P<rsc>\S+)\s+with\s+"
    r"(?:(?P<with_rsc_role>Started|Promoted|Unpromoted)\s+)?(?P<with_rsc>\S+)$"
)
_LOCATION = re.compile(r"^(?P<rsc>\S+)\s+(?P<verb>prefers|avoids)\s+(?P<node>\S+)$")


class OrderRule(StrictModel):
    first: str
    then: str
    first_action: str = "start"
    then_action: str = "start"

    def __str__(self) -> str:
        return f"{self.first_action} {self.first} then {self.then_action} {self.then}"


class ColocationRule(StrictModel):
    rsc: str
    with_rsc: str
    rsc_role: str | None = None
    with_rsc_role: str | None = None

    def __str__(self) -> str:
        role = f"{self.with_rsc_role} " if self.with_rsc_role else ""
        return f"{self.rsc} with {role}{self.with_rsc}"


class LocationRule(StrictModel):
    rsc: str
    node: str
    prefers: bool = True

    def __str__(self) -> str:
        return f"{self.rsc} {'prefers' if self.prefers else 'avoids'} {self.node}"


def _sentence(value: Any, pattern: re.Pattern[str], example: str) -> Any:
    if not isinstance(value, str):
        return value
    match = pattern.match(" ".join(value.split()))
    if match is None:
        raise ValueError(f"cannot read {value!r}; write it like {example!r}")
    return {k: v for k, v in match.groupdict().items() if v is not None}


DaemonOutcome = Literal["respawn", "fence", "respawn-or-fence"]
# As Pacemaker 2.1.5 behaves (measured on the lab, campaign rounds): a node whose corosync
# dies is fenced; pacemakerd, fenced and attrd are respawned without fencing (killing
# pacemakerd must never fence). Killing controld, based or execd takes the controller down and
# races: pacemakerd respawns it within seconds, and the DC fences the node in most runs
# ("peer process is no longer available") and not in others (controld: the DC logged the loss
# as unexpected, the controller was back 3 s later, before the DC's next transition; based:
# unclean for 1.3 s, then online again), so either outcome is correct as long as the node
# comes back. An inventory can demand "fence" for any of them.
DAEMON_OUTCOMES: dict[str, DaemonOutcome] = {
    "corosync": "fence",
    "pacemakerd": "respawn",
    "controld": "respawn-or-fence",
    "based": "respawn-or-fence",
    "execd": "respawn-or-fence",
    "fenced": "respawn",
    "attrd": "respawn",
}


class PowerCommands(StrictModel):
    """Commands run on the checking machine to cut and restore a host's power ({host})."""

    off_command: str
    on_command: str
    status_command: str | None = None
    cwd: str | None = Field(default=None, description="working directory for the commands")


class PacemakerExpect(StrictModel):
    """Expected pacemaker state; every field optional so a partial inventory is valid."""

    resources: list[str] = Field(default_factory=list, description="must exist and run")
    may_be_stopped: list[str] = Field(
        default_factory=list, description="resources allowed to be stopped or disabled"
    )
    ordering: list[OrderRule] = Field(default_factory=list)
    colocation: list[ColocationRule] = Field(default_factory=list)
    location: list[LocationRule] = Field(default_factory=list)
    groups: dict[str, list[str]] = Field(default_factory=dict)
    clones: list[str] = Field(default_factory=list)
    promotable: list[str] = Field(default_factory=list)
    min_fence_devices: int = Field(default=1, ge=0)
    no_quorum_policies: list[str] = Field(
        default_factory=lambda: ["stop", "freeze", "demote", "fence"],
        description="acceptable no-quorum-policy values ('ignore' is never safe with 3+ nodes)",
    )
    min_stickiness: int = Field(default=1, description="rsc_defaults resource-stickiness floor")
    max_migration_threshold: int = Field(
        default=1000, ge=1, description="rsc_defaults migration-threshold ceiling (set, finite)"
    )
    pcs: bool | None = Field(default=None, description="pcs/pcsd in use (None: detect)")
    migratable: list[str] = Field(
        default_factory=list, description="resources for the live-migration scenario (VMs)"
    )
    failover_resource: str | None = Field(
        default=None, description="resource the failover scenarios follow (default: 1st colocated)"
    )
    power: PowerCommands | None = Field(
        default=None, description="out-of-band power switch for the power-loss scenario"
    )
    daemon_outcomes: dict[str, DaemonOutcome] = Field(
        default_factory=lambda: dict(DAEMON_OUTCOMES),
        description="what SIGKILL of each daemon must lead to (see DAEMON_OUTCOMES)",
    )
    settle_timeout_s: float = Field(default=180, gt=0)
    recovery_timeout_s: float = Field(default=120, gt=0)

    @field_validator("ordering", mode="before")
    @classmethod
    def _orders(cls, value: Any) -> Any:
        return [_sentence(v, _ORDER, "start vip then start web") for v in value or []]

    @field_validator("colocation", mode="before")
    @classmethod
    def _colocations(cls, value: Any) -> Any:
        return [_sentence(v, _COLOCATION, "web with vip") for v in value or []]

    @field_validator("location", mode="before")
    @classmethod
    def _locations(cls, value: Any) -> Any:
        parsed = [_sentence(v, _LOCATION, "dummy1 prefers node1") for v in value or []]
        for item in parsed:
            if isinstance(item, dict) and "verb" in item:
                item["prefers"] = item.pop("verb") == "prefers"
        return parsed
