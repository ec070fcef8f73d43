"""Minimal QMP client run on the host: argv[1] = QMP unix socket; stdin = JSON list of commands.

Prints a JSON list with one reply per command (events are skipped).
"""

import json
import socket
import sys

sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
sock.settimeout(30)
sock.connect(sys.argv[1])
stream = sock.makefile("rwb")


def receive() -> dict:
    while True:
        line = stream.readline()
        if not line:
            raise SystemExit("QMP socket closed")
        message = json.loads(line)
        if "event" not in message:
            return message


def send(command: dict) -> dict:
    stream.write(json.dumps(command).encode() + b"\n")
    stream.flush()
    return receive()


receive()  # greeting
send({"execute": "qmp_capabilities"})
replies = []
for command in json.loads(sys.stdin.read()):
    try:
        replies.append(send(command))
    except SystemExit as closed:  # `quit` closes the socket
        replies.append({"closed": str(closed)})
        break
print(json.dumps(replies))
