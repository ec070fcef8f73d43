#!/bin/bash
# Power of one lab VM: vmctl.sh on|off|status VM  (the lab power switch calls these).
#   on  = start its QEMU (TCG) process (root overlay and tap created if missing)
#   off = SIGKILL its QEMU process (pulling the plug)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ACTION=${1:?on|off|status}; VM=${2:?vm name}
vm_index "$VM" >/dev/null || { echo "unknown VM $VM" >&2; exit 2; }
D="$VMS_DIR/$VM"

ensure_tap() {
  local tap; tap=$(vm_tap "$VM")
  ip link show "$tap" >/dev/null 2>&1 || ip tuntap add dev "$tap" mode tap
  ip link set "$tap" master "$BRIDGE" up
}

start() {
  if vm_pid "$VM" >/dev/null; then echo on; return 0; fi
  mkdir -p "$D"
  # An overlay made on an older image would see a different backing file: start afresh.
  if [[ -f "$D/root.qcow2" && "$IMG/root.img" -nt "$D/root.qcow2.base" ]]; then
    rm -f "$D/root.qcow2"
  fi
  # A qemu killed mid-write (cache=unsafe) can leave a corrupt overlay; leaked clusters (3) are harmless.
  if [[ -f "$D/root.qcow2" ]]; then
    local rc=0
    qemu-img check -q "$D/root.qcow2" >/dev/null 2>&1 || rc=$?
    if ((rc == 1 || rc == 2)); then
      echo "$VM: root overlay corrupt (qemu-img check exit $rc), starting from a fresh one" >&2
      rm -f "$D/root.qcow2"
    fi
  fi
  [[ -f "$D/root.qcow2" ]] || touch "$D/root.qcow2.base"
  [[ -f "$D/root.qcow2" ]] || qemu-img create -q -f qcow2 -F raw -b "$IMG/root.img" "$D/root.qcow2"
  ensure_tap
  local i; i=$(vm_index "$VM")
  local peer=$((3 - i))
  local disks=() d name serial
  for d in "${SHARED_DISKS[@]}"; do
    IFS=: read -r name serial _ <<<"$d"
    disks+=(-drive "file=$VMS_DIR/$name.img,if=none,id=$name,format=raw,cache=none,aio=threads"
            -device "virtio-blk-pci,drive=$name,share-rw=on,serial=$serial")
  done
  rm -f "$D/qmp.sock"
  qemu-system-x86_64 -name "hacert-$VM,process=hacert-$VM" \
    -machine pc -accel tcg,tb-size=256 -cpu max -smp "${HACERT_VM_CPUS:-2}" -m "$VM_MEM_MB" \
    -nodefaults -display none -vga none -serial "file:$D/console.log" \
    -qmp "unix:$D/qmp.sock,server=on,wait=off" \
    -kernel "$IMG/vmlinuz" -initrd "$IMG/initrd.img" \
    -append "root=/dev/vda rw console=ttyS0 net.ifnames=0 hardened_usercopy=off hacert.host=$VM hacert.ip=$(vm_ip "$VM") hacert.bondip=$(vm_bond_ip "$VM")" \
    -drive "file=$D/root.qcow2,if=none,id=root,format=qcow2,cache=unsafe" \
    -device virtio-blk-pci,drive=root,serial=hacert-root \
    "${disks[@]}" \
    -netdev "tap,id=mgmt,ifname=$(vm_tap "$VM"),script=no,downscript=no" \
    -device "virtio-net-pci,netdev=mgmt,mac=52:54:00:d5:00:3$i" \
    -netdev "socket,id=linka,udp=127.0.0.1:4731$peer,localaddr=127.0.0.1:4731$i" \
    -device "virtio-net-pci,netdev=linka,mac=52:54:00:d5:01:3$i" \
    -netdev "socket,id=linkb,udp=127.0.0.1:4732$peer,localaddr=127.0.0.1:4732$i" \
    -device "virtio-net-pci,netdev=linkb,mac=52:54:00:d5:02:3$i" \
    -fw_cfg "name=opt/org.hacert/token,file=$POWER_TOKEN" \
    -fw_cfg "name=opt/org.hacert/authorized_keys,file=$LAB_KEY.pub" \
    -pidfile "$(vm_pidfile "$VM")" -daemonize
  echo on
}

stop() {
  local pid
  if pid=$(vm_pid "$VM"); then
    kill -KILL "$pid"
    for _ in $(seq 50); do [[ -d /proc/$pid ]] || break; sleep 0.1; done
  fi
  rm -f "$(vm_pidfile "$VM")" "$D/qmp.sock"
  echo off
}

case "$ACTION" in
  on | start) start ;;
  off | stop) stop ;;
  status) if vm_pid "$VM" >/dev/null; then echo on; else echo off; fi ;;
  *) echo "usage: vmctl.sh on|off|status VM" >&2; exit 2 ;;
esac
