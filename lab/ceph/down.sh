#!/bin/bash
# `python3 -m lab down` runs this before powering the hosts off: stop the Ceph daemons
# cleanly (OSDs first, then mgr and mon) so bluestore and the mon store are consistent.
# Data stays, so the next `up` only restarts them.
set -uo pipefail
source "$(dirname "$0")/common.sh"
lab_ssh "$CEPH_HOST" true 2>/dev/null || { say "ceph1 not running; nothing to stop"; exit 0; }
# No `noout`: the mon stops with the OSDs, nothing gets marked out, and a flag left behind
# would keep the cluster in HEALTH_WARN after a later `lab up` that skips this tier.
lab_ssh "$CEPH_HOST" 'systemctl stop "ceph-osd@*"; systemctl stop "ceph-mgr@*"; systemctl stop "ceph-mon@*"' \
    && say "ceph daemons stopped"
exit 0
