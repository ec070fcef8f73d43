#!/bin/bash
# Removes everything lab/vm/up.sh made: QEMU processes, taps, sockets, pid files, overlays,
# shared disks, power scripts. The cached image ($HACERT_LAB_CACHE/vm) stays.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
for vm in "${VMS[@]}"; do
  if vm_pid "$vm" >/dev/null; then
    vm_ssh "$vm" 'umount /mnt/gfs2' >/dev/null 2>&1 &
  fi
done
wait
for vm in "${VMS[@]}"; do
  bash "$VM_DIR/vmctl.sh" off "$vm" >/dev/null
  ip link del "$(vm_tap "$vm")" 2>/dev/null || true
  rm -rf "${LAB_STATE:?}/power/$vm" "${VMS_DIR:?}/$vm"
  log "$vm: removed"
done
rm -f "$VMS_DIR"/*.img
rmdir "$VMS_DIR" 2>/dev/null || true
log "VM tier down"
