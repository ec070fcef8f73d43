"""The transient test guest the destructive checks define, and its serial tick counter."""

from __future__ import annotations

import itertools
import re
from xml.sax.saxutils import escape, quoteattr

from hacert.virt.expect import ScratchGuest


def serial_log(guest: ScratchGuest) -> str:
    return f"{guest.serial_log_dir.rstrip('/')}/{guest.name}-serial.log"


def domain_xml(guest: ScratchGuest, *, kvm: bool) -> str:
    """Libvirt XML of a disk-less guest booting `kernel`/`initrd` with a file serial port."""
    domain_type = guest.domain_type or ("kvm" if kvm else "qemu")
    machine = f" machine={quoteattr(guest.machine)}" if guest.machine else ""
    cpu = (
        f"<cpu mode='custom' match='exact' check='none'><model fallback='forbid'>"
        f"{escape(guest.cpu_model)}</model></cpu>"
        if guest.cpu_model
        else ""
    )
    initrd = f"<initrd>{escape(guest.initrd)}</initrd>" if guest.initrd else ""
    return f"""<domain type={quoteattr(domain_type)}>
  <name>{escape(guest.name)}</name>
  <memory unit='MiB'>{guest.memory_mib}</memory>
  <vcpu>{guest.vcpus}</vcpu>
  <os>
    <type arch='x86_64'{machine}>hvm</type>
    <kernel>{escape(guest.kernel)}</kernel>
    {initrd}
    <cmdline>{escape(guest.cmdline)}</cmdline>
  </os>
  {cpu}
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <controller type='usb' model='none'/>
    <serial type='file'>
      <source path={quoteattr(serial_log(guest))} append='on'/>
      <target port='0'/>
    </serial>
    <memballoon model='virtio'/>
  </devices>
</domain>
"""


def ticks(text: str, pattern: str) -> list[int]:
    """Every counter value the guest printed, in order."""
    return [int(m.group(1)) for m in re.finditer(pattern, text)]


def continued(before: int, after: list[int]) -> str | None:
    """Why the counter does not prove the guest survived (None: it does).

    Survived means: the destination's serial output carries on from where the source left
    (first value at least `before`, no drop back to a small number = no reboot) and
    keeps increasing (the guest is running, not just present).
    """
    if not after:
        return "no tick printed on the destination"
    if after[0] < before:
        return f"counter restarted: {after[0]} after {before} (the guest rebooted)"
    drops = [(a, b) for a, b in itertools.pairwise(after) if b < a]
    if drops:
        return f"counter went back from {drops[0][0]} to {drops[0][1]} (reboot)"
    if after[-1] <= before:
        return f"counter stuck at {after[-1]} (guest not running)"
    return None
