"""Bond failover driver, run on the bond's host.

argv: bond member peer port settle_s hold_s. Streams TCP to peer:port and pings peer while
it takes `member` down, waits for OVS to fail over, holds, brings it back and waits for
OVS to enable it again. Prints one JSON line; the link is brought back up in `finally`.
"""

import json
import re
import socket
import subprocess
import sys
import threading
import time

bond, member, peer, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
settle, hold = float(sys.argv[5]), float(sys.argv[6])
POLL_S = 0.01
stop = threading.Event()
stream = {"sent": 0, "error": None, "max_stall_s": 0.0}


def sender() -> None:
    try:
        conn = socket.create_connection((peer, port), timeout=5)
        conn.settimeout(5)
        payload = b"x" * 1024
        last = time.monotonic()
        while not stop.is_set():
            conn.sendall(payload)
            now = time.monotonic()
            stream["max_stall_s"] = max(stream["max_stall_s"], now - last)
            last = now
            stream["sent"] += len(payload)
            time.sleep(0.002)
        conn.shutdown(socket.SHUT_WR)
        conn.close()
    except OSError as error:
        stream["error"] = str(error)


def bond_show() -> dict:
    argv = ["ovs-appctl", "bond/show", bond]
    text = subprocess.run(argv, check=False, capture_output=True, text=True).stdout
    members, active, current = {}, None, None
    for line in text.splitlines():
        m = re.match(r"^(?:member|slave):? ([^:\s]+): (\w+)", line)
        if m:
            current = m.group(1)
            members[current] = m.group(2) == "enabled"
        elif current and line.strip() in ("active member", "active slave"):
            active = current
    return {"members": members, "active": active}


def wait_for(predicate, timeout: float) -> float | None:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate(bond_show()):
            return time.monotonic() - start
        time.sleep(POLL_S)
    return None


def link(state: str) -> None:
    subprocess.run(["ip", "link", "set", member, state], check=True)


before = bond_show()
interval = 0.02
count = int((settle * 2 + hold + 10) / interval)
ping = subprocess.Popen(
    ["ping", "-n", "-q", "-i", str(interval), "-W", "1", "-c", str(count), peer],
    stdout=subprocess.PIPE,
    stderr=subprocess.STDOUT,
    text=True,
)
thread = threading.Thread(target=sender, daemon=True)
thread.start()
result = {"before": before}
try:
    time.sleep(settle)
    link("down")
    result["failover_s"] = wait_for(
        lambda s: not s["members"].get(member, True) and s["active"] not in (None, member),
        10.0,
    )
    result["during"] = bond_show()
    time.sleep(hold)
finally:
    link("up")
result["restore_s"] = wait_for(lambda s: s["members"].get(member) is True, 15.0)
time.sleep(settle)
stop.set()
thread.join(10)
ping.send_signal(2)
out = ping.communicate(timeout=10)[0]
m = re.search(r"(\d+) packets transmitted, (\d+) received", out)
result["ping"] = {"sent": int(m.group(1)), "received": int(m.group(2))} if m else {"raw": out}
result["stream"] = stream
result["after"] = bond_show()
print(json.dumps(result), flush=True)
