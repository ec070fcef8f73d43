#!/bin/bash
# Brings the lab VM tier up (idempotent): vm1 + vm2, Debian 12 kernels under QEMU TCG, with
# corosync/DLM/GFS2 (/mnt/gfs2), a bond over two socket links, LIO iSCSI + nvmet/TCP on vm1
# and their initiator on vm2, fenced through the lab power switch. Prints timings.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
T0=$SECONDS
step() { log "$* (+$((SECONDS - T0)) s)"; }

bash "$VM_DIR/build-image.sh"
step "image ready"

if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
  ip link add "$BRIDGE" type bridge
  ip link set "$BRIDGE" up
fi
ip -4 addr show dev "$BRIDGE" | grep -q "${BRIDGE_ADDR%/*}/" || ip addr add "$BRIDGE_ADDR" dev "$BRIDGE"
ip link set "$BRIDGE" up

mkdir -p "$VMS_DIR"
exec 9>"$VMS_DIR/.up.lock"
flock 9  # one up.sh at a time (the lab CLI and a person may both run it)
for d in "${SHARED_DISKS[@]}"; do
  IFS=: read -r name _ size <<<"$d"
  [[ -f "$VMS_DIR/$name.img" ]] || truncate -s "$size" "$VMS_DIR/$name.img"
done
[[ -f "$POWER_TOKEN" ]] || { mkdir -p "$(dirname "$POWER_TOKEN")"; (umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$POWER_TOKEN"); }

for vm in "${VMS[@]}"; do
  mkdir -p "$LAB_STATE/power/$vm"
  for action in on off status; do
    printf '#!/bin/sh\n# lab VM power (%s), written by lab/vm/up.sh\nexec env HACERT_LAB_STATE=%q HACERT_LAB_CACHE=%q HACERT_LAB_KEY=%q bash %q %s %s\n' \
      "$action" "$LAB_STATE" "$LAB_CACHE" "$LAB_KEY" "$VM_DIR/vmctl.sh" "$action" "$vm" \
      >"$LAB_STATE/power/$vm/$action"
    chmod 755 "$LAB_STATE/power/$vm/$action"
  done
  state=$(bash "$VM_DIR/vmctl.sh" on "$vm" 9>&-)  # qemu must not inherit (hold) the lock
  step "$vm: $state (qemu pid $(vm_pid "$vm"))"
done

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
  local limit=$1 what=$2; shift 2
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then log "timed out after ${limit}s waiting for $what"; return 1; fi
    sleep 2
  done
  step "$what"
}
for vm in "${VMS[@]}"; do wait_for "${HACERT_VM_BOOT_TIMEOUT:-600}" "$vm: ssh" vm_ssh "$vm" true; done
for vm in "${VMS[@]}"; do
  wait_for 300 "$vm: corosync quorate" vm_ssh "$vm" corosync-quorumtool -s
done

DEV=/dev/disk/by-id/virtio-hacert-shared
if [[ "$(vm_ssh vm1 blkid -o value -s TYPE $DEV || true)" != gfs2 ]]; then
  step "vm1: mkfs.gfs2 lock_dlm hacert-labvm:gfs0, 2 journals"
  vm_ssh vm1 mkfs.gfs2 -O -p lock_dlm -t hacert-labvm:gfs0 -j 2 -J 32 $DEV >/dev/null
fi
for vm in "${VMS[@]}"; do
  wait_for 60 "$vm: dlm_controld" vm_ssh "$vm" dlm_tool status
  vm_ssh "$vm" 'mountpoint -q /mnt/gfs2 || { mkdir -p /mnt/gfs2; systemctl reset-failed mnt-gfs2.mount; systemctl start mnt-gfs2.mount; }'
  wait_for 120 "$vm: /mnt/gfs2 mounted" vm_ssh "$vm" 'findmnt -t gfs2 /mnt/gfs2'
done

wait_for 120 "vm1: iSCSI target and nvmet" vm_ssh vm1 \
  'systemctl is-active hacert-vm-services && test -e /sys/kernel/config/nvmet/ports/1/subsystems/nqn.2026-11.org.hacert.lab:nvme1'
vm_ssh vm2 'systemctl is-active -q hacert-vm-services || systemctl restart hacert-vm-services' || true
# after the target VM restarted, the initiators reconnect on their own retry timers (minutes)
wait_for 300 "vm2: iSCSI disk and NVMe/TCP namespace" vm_ssh vm2 \
  'ls /dev/disk/by-path/ | grep -q iscsi-iqn.2026-11.org.hacert.lab:disk1 && ls /dev/nvme*n1'

bash "$VM_DIR/status.sh"
step "VM tier up"
