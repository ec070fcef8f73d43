#!/bin/bash
# Captures real GFS2/DLM tool output from the lab VMs into tests/data/gfs2/ with .meta files.
#   bash tests/data/gfs2/capture.sh NAME VM COMMAND...
set -euo pipefail
source "$(dirname "$0")/../../../lab/vm/common.sh"
DIR="$(cd "$(dirname "$0")" && pwd)"
name=$1 vm=$2; shift 2
cmd="$*"
set +e
vm_ssh "$vm" "$cmd" >"$DIR/$name"
rc=$?
set -e
versions=$(vm_ssh "$vm" 'dpkg-query -W -f "\${Package} \${Version}, " dlm-controld gfs2-utils corosync util-linux; uname -r')
cat >"$DIR/$name.meta" <<META
command: $cmd
exit_status: $rc
host: $vm ($(vm_ip "$vm"), hacert lab VM tier, Debian 12 under QEMU TCG)
tool_version: $versions
captured: $(date -u +%FT%TZ)
META
echo "$name: rc=$rc, $(wc -c <"$DIR/$name") bytes"
