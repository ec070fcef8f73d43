#!/bin/bash
# `python3 -m lab up --tier ceph` runs this after the container tier is up.
# ceph1: mon + mgr + 3 bluestore OSDs on sparse files, pool rbd (size 3), image
# rbd/hacert-bench (the fio scratch target); node1/node2: ceph.conf + client keyring.
# Idempotent: a second run changes nothing and only waits for HEALTH_OK; a cluster that
# does not get healthy is wiped and rebuilt once.
set -euo pipefail
source "$(dirname "$0")/common.sh"
HEALTH_TIMEOUT=${CEPH_HEALTH_TIMEOUT:-120}

t0=$(date +%s.%N)
since_start() { awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}'; }
for _ in $(seq 1 60); do lab_ssh "$CEPH_HOST" true 2>/dev/null && break; sleep 1; done
lab_ssh "$CEPH_HOST" true || { say "ceph1 ($CEPH_HOST) does not answer ssh"; exit 1; }

healthy_within() {  # healthy_within SECONDS: poll `ceph health` until HEALTH_OK
    local deadline=$(( $(date +%s) + $1 ))
    while [ "$(date +%s)" -lt "$deadline" ]; do
        [ "$(lab_ssh "$CEPH_HOST" "timeout 10 ceph health" 2>/dev/null)" = HEALTH_OK ] && return 0
        sleep 1
    done
    return 1
}

bring_up() {  # bring_up WIPE: run the bootstrap on ceph1, hand the clients their keys, wait
    lab_ssh "$CEPH_HOST" "CEPH_CLIENT=$CEPH_CLIENT CEPH_WIPE=$1 bash -s" \
        < "$HERE/bootstrap.sh" || return 1

    # client side: ceph.conf + keyring, mode 0600; CEPH_ARGS so a bare `ceph -s` uses the client
    local conf keyring addr
    conf=$(lab_ssh "$CEPH_HOST" cat /etc/ceph/ceph.conf | sed -n '/^\[global\]/,/^$/p' \
        | grep -E '^\[global\]|^fsid|^mon_host|^auth_|^public_network')
    keyring=$(lab_ssh "$CEPH_HOST" cat "/etc/ceph/ceph.client.$CEPH_CLIENT.keyring")
    for addr in $CEPH_CLIENTS; do
        printf '%s\n' "$conf" | put "$addr" /etc/ceph/ceph.conf 0644
        printf '%s\n' "$keyring" | put "$addr" "/etc/ceph/ceph.client.$CEPH_CLIENT.keyring" 0600
        lab_ssh "$addr" "grep -q '^CEPH_ARGS=' /etc/environment 2>/dev/null \
            || echo 'CEPH_ARGS=\"--id $CEPH_CLIENT\"' >> /etc/environment"
        say "client $addr: /etc/ceph/ceph.conf, ceph.client.$CEPH_CLIENT.keyring (0600)"
    done
    healthy_within "$HEALTH_TIMEOUT" && return 0
    say "not healthy after $HEALTH_TIMEOUT s:"
    lab_ssh "$CEPH_HOST" "timeout 10 ceph health detail" | head -n 12 || true
    return 1
}
put() {  # put ADDRESS PATH MODE < content (atomic)
    lab_ssh "$1" "set -e; mkdir -p \$(dirname $2); umask 077; cat > $2.tmp; chmod $3 $2.tmp; mv $2.tmp $2"
}

# The lab's Ceph holds only scratch data (the fio image), so a cluster that does not come back
# (an unclean stop, a broken OSD store) is rebuilt rather than nursed: about 30 s.
if ! bring_up 0; then
    say "rebuilding the Ceph tier from scratch (its data is scratch)"
    if ! bring_up 1; then
        say "still not healthy $(since_start)s after start"
        exit 1
    fi
fi
elapsed=$(since_start)
say "HEALTH_OK ${elapsed}s after start"
for addr in $CEPH_CLIENTS; do
    lab_ssh "$addr" "ceph --id $CEPH_CLIENT health" | sed "s/^/[ceph] client $addr: /"
done
