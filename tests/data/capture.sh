#!/bin/bash
# capture.sh HOST_ADDR TECH/NAME 'COMMAND' [VERSION_COMMAND] — runs COMMAND on a lab host and
# stores its stdout as tests/data/TECH/NAME with NAME.meta (command, tool version, host, date).
# Used for the files under tests/data/{ceph,fio,iscsi,nvmeof} whose .meta names this script;
# tests/data/gfs2/capture.sh does the same on the lab VMs.
set -euo pipefail
addr=$1 name=$2 cmd=$3 vcmd=${4:-"ceph --version"}
dir=$(cd "$(dirname "$0")" && pwd)
out=$dir/$name
S=(ssh -i /var/lib/hacert-lab/ssh/id_ed25519 -o StrictHostKeyChecking=no
   -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR "root@$addr")
"${S[@]}" "$cmd" > "$out" || echo "(exit $?)" >&2
{
    echo "command: $cmd"
    echo "tool_version: $("${S[@]}" "$vcmd" 2>&1 | head -1)"
    echo "host: $("${S[@]}" hostname -s) ($addr), lab tier, $("${S[@]}" '. /etc/os-release; echo $PRETTY_NAME')"
    echo "captured: $(date -u +%FT%TZ) by tests/data/capture.sh"
    [ -n "${STATE:-}" ] && echo "state: $STATE"
    true
} > "$out.meta"
echo "$out: $(wc -c < "$out") bytes"
