"""TCP sink on the bond's peer: counts bytes and the longest pause between receives.

argv: port seconds. Prints one JSON line when the sender closes or the time is up.
"""

import json
import socket
import sys
import time

port, seconds = int(sys.argv[1]), float(sys.argv[2])
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("0.0.0.0", port))
listener.listen(1)
listener.settimeout(seconds)
result = {"bytes": 0, "max_gap_s": 0.0, "closed": "timeout", "error": None}
try:
    conn, _ = listener.accept()
    deadline = time.monotonic() + seconds
    conn.settimeout(1.0)
    last = time.monotonic()
    while time.monotonic() < deadline:
        try:
            chunk = conn.recv(65536)
        except TimeoutError:
            continue
        now = time.monotonic()
        if not chunk:
            result["closed"] = "eof"
            break
        result["max_gap_s"] = max(result["max_gap_s"], now - last)
        last = now
        result["bytes"] += len(chunk)
except OSError as error:
    result["error"] = str(error)
print(json.dumps(result), flush=True)
