#!/bin/bash
# capture.sh HOST_ADDR NAME 'COMMAND' [VERSION_COMMAND] — runs COMMAND on a lab host, stores
# its stdout as NAME and NAME.meta (command, tool version, host, date). Used for every file
# under tests/data/{ceph,iscsi,nvmeof,fio} that says "captured by capture.sh".
set -euo pipefail
addr=$1 name=$2 cmd=$3 vcmd=${4:-"ceph --version"}
dir=$(cd "$(dirname "$0")" && pwd)
out=${OUT_DIR:-$dir}/$name
S=(ssh -i /var/lib/hacert-lab/ssh/id_ed25519 -o StrictHostKeyChecking=no
   -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR "root@$addr")
"${S[@]}" "$cmd" > "$out" || echo "(exit $?)" >&2
{
    echo "command: $cmd"
    echo "tool_version: $("${S[@]}" "$vcmd" 2>&1 | head -1)"
    echo "host: $("${S[@]}" hostname -s) ($addr), lab tier, $("${S[@]}" '. /etc/os-release; echo $PRETTY_NAME')"
    echo "captured: $(date -u +%FT%TZ) by tests/data/<tech>/capture.sh"
    [ -n "${STATE:-}" ] && echo "state: $STATE"
    true
} > "$out.meta"
echo "$out: $(wc -c < "$out") bytes"
