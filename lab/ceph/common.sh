# Shared by up.sh, down.sh and status.sh (sourced, not run).
STATE=${HACERT_LAB_STATE:-/var/lib/hacert-lab}
KEY=${HACERT_LAB_KEY:-$STATE/ssh/id_ed25519}
CEPH_HOST=${CEPH_HOST:-10.213.0.21}
CEPH_CLIENTS=${CEPH_CLIENTS:-"10.213.0.11 10.213.0.12"}
CEPH_CLIENT=${CEPH_CLIENT:-hacert}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

lab_ssh() {  # lab_ssh ADDRESS COMMAND...  (host keys change whenever the lab is rebuilt)
    local addr=$1; shift
    timeout --foreground "${LAB_SSH_TIMEOUT:-900}" ssh -i "$KEY" -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
        -o LogLevel=ERROR -o ConnectTimeout=5 "root@$addr" "$@"
}

say() { printf '[ceph] %s\n' "$*"; }
