#!/bin/bash
# State of the lab VM tier: exit 0 when both VMs run and answer ssh, else 1.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
rc=0
for vm in "${VMS[@]}"; do
  if pid=$(vm_pid "$vm"); then
    rss=$(awk '/VmRSS/ {printf "%d MiB", $2/1024}' "/proc/$pid/status")
    if info=$(vm_ssh "$vm" 'echo "$(findmnt -n -o FSTYPE,OPTIONS /mnt/gfs2 | cut -c1-40) corosync=$(systemctl is-active corosync) dlm=$(systemctl is-active dlm)"' 2>/dev/null); then
      log "$vm: running pid $pid rss $rss, $(vm_ip "$vm"): ${info}"
    else
      log "$vm: running pid $pid rss $rss, ssh not answering"; rc=1
    fi
  else
    log "$vm: off"; rc=1
  fi
done
exit $rc
