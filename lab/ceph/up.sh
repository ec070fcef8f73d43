#!/bin/bash
# `python3 -m lab up --tier ceph` runs this after the container tier is up.
# ceph1: mon + mgr + 3 bluestore OSDs on sparse files, pool rbd (size 3), image
# rbd/hacert-bench (the fio scratch target); node1/node2: ceph.conf + client keyring.
# Idempotent: a second run changes nothing and only waits for HEALTH_OK.
set -euo pipefail
source "$(dirname "$0")/common.sh"
HEALTH_TIMEOUT=${CEPH_HEALTH_TIMEOUT:-180}

t0=$(date +%s.%N)
for _ in $(seq 1 60); do lab_ssh "$CEPH_HOST" true 2>/dev/null && break; sleep 1; done
lab_ssh "$CEPH_HOST" true || { say "ceph1 ($CEPH_HOST) does not answer ssh"; exit 1; }

lab_ssh "$CEPH_HOST" "CEPH_CLIENT=$CEPH_CLIENT bash -s" < "$HERE/bootstrap.sh"

# client side: ceph.conf + keyring, mode 0600; CEPH_ARGS so a bare `ceph -s` uses the client
conf=$(lab_ssh "$CEPH_HOST" cat /etc/ceph/ceph.conf | sed -n '/^\[global\]/,/^$/p' \
    | grep -E '^\[global\]|^fsid|^mon_host|^auth_|^public_network')
keyring=$(lab_ssh "$CEPH_HOST" cat "/etc/ceph/ceph.client.$CEPH_CLIENT.keyring")
put() {  # put ADDRESS PATH MODE < content (atomic)
    lab_ssh "$1" "set -e; mkdir -p \$(dirname $2); umask 077; cat > $2.tmp; chmod $3 $2.tmp; mv $2.tmp $2"
}
for addr in $CEPH_CLIENTS; do
    printf '%s\n' "$conf" | put "$addr" /etc/ceph/ceph.conf 0644
    printf '%s\n' "$keyring" | put "$addr" "/etc/ceph/ceph.client.$CEPH_CLIENT.keyring" 0600
    lab_ssh "$addr" "grep -q '^CEPH_ARGS=' /etc/environment 2>/dev/null \
        || echo 'CEPH_ARGS=\"--id $CEPH_CLIENT\"' >> /etc/environment"
    say "client $addr: /etc/ceph/ceph.conf, ceph.client.$CEPH_CLIENT.keyring (0600)"
done

status=""
deadline=$(( $(date +%s) + HEALTH_TIMEOUT ))
while [ "$(date +%s)" -lt "$deadline" ]; do
    status=$(lab_ssh "$CEPH_HOST" "timeout 10 ceph health" 2>/dev/null || true)
    [ "$status" = HEALTH_OK ] && break
    sleep 1
done
elapsed=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
if [ "$status" != HEALTH_OK ]; then
    say "not healthy after ${elapsed}s:"
    lab_ssh "$CEPH_HOST" "ceph health detail" || true
    exit 1
fi
say "HEALTH_OK ${elapsed}s after start"
for addr in $CEPH_CLIENTS; do
    lab_ssh "$addr" "ceph --id $CEPH_CLIENT health" | sed "s/^/[ceph] client $addr: /"
done
