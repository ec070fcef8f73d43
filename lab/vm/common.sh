# Shared settings of the lab VM tier (sourced by up.sh, down.sh, status.sh, vmctl.sh).
# shellcheck shell=bash
VM_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LAB_STATE="${HACERT_LAB_STATE:-/var/lib/hacert-lab}"
LAB_CACHE="${HACERT_LAB_CACHE:-/var/cache/hacert-lab}"
LAB_KEY="${HACERT_LAB_KEY:-$LAB_STATE/ssh/id_ed25519}"
POWER_TOKEN="${HACERT_LAB_POWER_TOKEN:-$LAB_STATE/power/token}"
IMG="$LAB_CACHE/vm"
VMS_DIR="$LAB_STATE/vm"
BRIDGE=hcbr0
BRIDGE_ADDR=10.213.0.1/24
VMS=(vm1 vm2)
VM_MEM_MB="${HACERT_VM_MEM_MB:-1024}"
SHARED_DISKS=("shared:hacert-shared:1G" "shared2:hacert-shared2:256M")

vm_index() { case "$1" in vm1) echo 1 ;; vm2) echo 2 ;; *) return 1 ;; esac; }
vm_ip() { echo "10.213.0.3$(vm_index "$1")"; }
vm_bond_ip() { echo "10.213.3.3$(vm_index "$1")"; }
vm_tap() { echo "hcv-$1"; }
vm_pidfile() { echo "$VMS_DIR/$1/qemu.pid"; }
vm_pid() {
  local f; f=$(vm_pidfile "$1")
  [[ -f "$f" ]] || return 1
  local pid; pid=$(cat "$f")
  [[ -n "$pid" && -d /proc/$pid ]] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "process=hacert-$1 " && echo "$pid"
}
vm_ssh() {  # bounded: a VM that hangs mid-command must not hang `lab up`
  local vm=$1; shift
  timeout --foreground "${VM_SSH_TIMEOUT:-600}" ssh -i "$LAB_KEY" -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
    -o LogLevel=ERROR -o ConnectTimeout=20 -o KexAlgorithms=curve25519-sha256 \
    -o ControlMaster=auto -o "ControlPath=$VMS_DIR/.ssh-%n" -o ControlPersist=30 \
    "root@$(vm_ip "$vm")" "$@"
}
log() { printf '[vm %(%H:%M:%S)T] %s\n' -1 "$*"; }
