#!/bin/bash
# Runs ON ceph1 (piped over ssh by up.sh): a one-host Ceph cluster from Debian's packages,
# no cephadm. Every step is guarded, so a second run only makes sure the daemons run.
# Every ceph/rbd call and every daemon start is bounded: after an unclean stop (the machine's
# processes killed, the disk kept) the monitor still lists dead OSDs as up for 15 minutes, and
# an unbounded `rbd info` would wait for them. CEPH_WIPE=1 first removes all Ceph state.
# Parameters come from the environment (defaults below).
set -euo pipefail

HOST=$(hostname -s)
MON_IP=${CEPH_MON_IP:-10.213.0.21}
NUM_OSDS=${CEPH_NUM_OSDS:-3}
OSD_SIZE=${CEPH_OSD_SIZE:-6G}            # sparse bluestore file per OSD
OSD_MEMORY=${CEPH_OSD_MEMORY:-939524096} # 896 MiB: the smallest osd_memory_target allowed
POOL=${CEPH_POOL:-rbd}
PG_NUM=${CEPH_PG_NUM:-32}
IMAGE=${CEPH_IMAGE:-hacert-bench}
IMAGE_SIZE=${CEPH_IMAGE_SIZE:-1G}
CLIENT=${CEPH_CLIENT:-hacert}
CONF=/etc/ceph/ceph.conf

log() { printf 'ceph1: %s\n' "$*"; }
ceph() { timeout 30 /usr/bin/ceph "$@"; }
rbd() { timeout 60 /usr/bin/rbd "$@"; }

if [ "${CEPH_WIPE:-0}" = 1 ]; then
    timeout 60 systemctl stop "ceph-osd@*" "ceph-mgr@*" "ceph-mon@*" || true
    pkill -9 -x ceph-osd || true; pkill -9 -x ceph-mgr || true; pkill -9 -x ceph-mon || true
    systemctl reset-failed "ceph-*" 2>/dev/null || true
    rm -rf /var/lib/ceph/mon/* /var/lib/ceph/mgr/* /var/lib/ceph/osd/* /var/lib/ceph/tmp/* /var/lib/ceph/crash/* \
        /var/lib/ceph/bootstrap-osd/ceph.keyring /etc/ceph/*
    log "wiped all Ceph state (daemons stopped, mon/mgr/osd data and keys removed)"
fi

# -- configuration and keys --------------------------------------------------------------
if [ ! -s "$CONF" ]; then
    fsid=$(cat /proc/sys/kernel/random/uuid)
    cat > "$CONF.tmp" <<CONF
[global]
fsid = $fsid
mon_initial_members = $HOST
mon_host = [v2:$MON_IP:3300,v1:$MON_IP:6789]
public_network = ${MON_IP%.*}.0/24
auth_cluster_required = cephx
auth_service_required = cephx
auth_client_required = cephx
auth_allow_insecure_global_id_reclaim = false
# one host, three OSDs: replicate across OSDs, not hosts
osd_crush_chooseleaf_type = 0
osd_pool_default_size = 3
osd_pool_default_min_size = 2
osd_pool_default_pg_num = $PG_NUM
osd_pool_default_pgp_num = $PG_NUM
osd_pool_default_pg_autoscale_mode = off
# lab only: the machine's disk is shared and often under 30% free
mon_data_avail_warn = 5
mon_data_avail_crit = 2
# lab only: fault injection creates and deletes a size-1 pool
mon_allow_pool_delete = true

[mon]
mon_warn_on_pool_no_redundancy = true

[osd]
osd_objectstore = bluestore
bluestore_block_create = true
bluestore_block_size = $(numfmt --from=iec "$OSD_SIZE")
osd_memory_target = $OSD_MEMORY
bluestore_cache_autotune = true
osd_scrub_auto_repair = false
CONF
    mv "$CONF.tmp" "$CONF"
    log "wrote $CONF (fsid $fsid)"
fi
fsid=$(awk -F' = ' '$1 == "fsid" {print $2}' "$CONF")

mkdir -p /var/lib/ceph/tmp /run/ceph
chown ceph:ceph /var/lib/ceph/tmp /run/ceph
if [ ! -s /etc/ceph/ceph.client.admin.keyring ]; then
    ceph-authtool --create-keyring /etc/ceph/ceph.mon.keyring --gen-key -n mon. --cap mon 'allow *' >/dev/null
    ceph-authtool --create-keyring /etc/ceph/ceph.client.admin.keyring.tmp --gen-key -n client.admin \
        --cap mon 'allow *' --cap osd 'allow *' --cap mds 'allow *' --cap mgr 'allow *' >/dev/null
    ceph-authtool --create-keyring /var/lib/ceph/bootstrap-osd/ceph.keyring --gen-key \
        -n client.bootstrap-osd --cap mon 'profile bootstrap-osd' --cap mgr 'allow r' >/dev/null
    ceph-authtool /etc/ceph/ceph.mon.keyring --import-keyring /etc/ceph/ceph.client.admin.keyring.tmp >/dev/null
    ceph-authtool /etc/ceph/ceph.mon.keyring --import-keyring /var/lib/ceph/bootstrap-osd/ceph.keyring >/dev/null
    chmod 0600 /etc/ceph/ceph.mon.keyring /etc/ceph/ceph.client.admin.keyring.tmp
    chown ceph:ceph /etc/ceph/ceph.mon.keyring /var/lib/ceph/bootstrap-osd/ceph.keyring
    mv /etc/ceph/ceph.client.admin.keyring.tmp /etc/ceph/ceph.client.admin.keyring
    log "generated mon, admin and bootstrap-osd keys"
fi

enable_now() {  # survive a host reboot: pulled in by multi-user.target (ceph*.target are masked)
    systemctl add-wants multi-user.target "$1" >/dev/null 2>&1 || true
    systemctl reset-failed "$1" 2>/dev/null || true
    systemctl is-active --quiet "$1" || timeout 60 systemctl start "$1"
}
daemon_state() {  # the daemon's own word (admin socket), "" when it does not answer
    timeout 5 /usr/bin/ceph daemon "$1" status 2>/dev/null \
        | python3 -c 'import json,sys; print(json.load(sys.stdin).get("state", ""))' 2>/dev/null || true
}
osd_active() {  # wait until osd.$1 itself says it is active; show its journal when it does not
    local state=""
    for _ in $(seq 1 90); do
        state=$(daemon_state "osd.$1")
        [ "$state" = active ] && return 0
        systemctl is-failed --quiet "ceph-osd@$1" && break  # systemd gave up restarting it
        sleep 1
    done
    log "osd.$1 not active (state '${state:-no answer}'; unit $(systemctl is-active "ceph-osd@$1")):"
    journalctl -u "ceph-osd@$1" -n 15 --no-pager -o cat 2>&1 | sed 's/^/    /' || true
    return 1
}

# -- monitor -------------------------------------------------------------------------------
MON_DIR=/var/lib/ceph/mon/ceph-$HOST
if [ ! -e "$MON_DIR/done" ]; then
    rm -rf "$MON_DIR"
    monmaptool --create --clobber --fsid "$fsid" --addv "$HOST" "[v2:$MON_IP:3300,v1:$MON_IP:6789]" \
        /var/lib/ceph/tmp/monmap >/dev/null
    chown ceph:ceph /var/lib/ceph/tmp/monmap
    install -d -o ceph -g ceph "$MON_DIR"
    timeout 60 sudo -u ceph ceph-mon --mkfs -i "$HOST" --monmap /var/lib/ceph/tmp/monmap \
        --keyring /etc/ceph/ceph.mon.keyring
    touch "$MON_DIR/done"
    chown ceph:ceph "$MON_DIR/done"
    log "created monitor $HOST"
fi
enable_now "ceph-mon@$HOST"
for _ in $(seq 1 60); do
    timeout 5 ceph -s >/dev/null 2>&1 && break
    sleep 0.5
done
timeout 10 ceph -s >/dev/null
ceph config set mon auth_allow_insecure_global_id_reclaim false >/dev/null 2>&1 || true

# -- manager -------------------------------------------------------------------------------
MGR_DIR=/var/lib/ceph/mgr/ceph-$HOST
if [ ! -s "$MGR_DIR/keyring" ]; then
    install -d -o ceph -g ceph "$MGR_DIR"
    ceph auth get-or-create "mgr.$HOST" mon 'allow profile mgr' osd 'allow *' mds 'allow *' \
        -o "$MGR_DIR/keyring"
    chown ceph:ceph "$MGR_DIR/keyring"
    chmod 0600 "$MGR_DIR/keyring"
    log "created manager $HOST"
fi
enable_now "ceph-mgr@$HOST"

# -- OSDs: bluestore on sparse files ---------------------------------------------------------
for id in $(seq 0 $((NUM_OSDS - 1))); do
    dir=/var/lib/ceph/osd/ceph-$id
    if [ ! -e "$dir/ready" ]; then
        rm -rf "$dir"
        install -d -o ceph -g ceph "$dir"
        uuid=$(cat /proc/sys/kernel/random/uuid)
        secret=$(ceph-authtool --gen-print-key)
        echo "{\"cephx_secret\": \"$secret\"}" > /var/lib/ceph/tmp/osd-secret.json
        got=$(ceph osd new "$uuid" "$id" -i /var/lib/ceph/tmp/osd-secret.json \
            -n client.bootstrap-osd -k /var/lib/ceph/bootstrap-osd/ceph.keyring 2>/dev/null)
        rm -f /var/lib/ceph/tmp/osd-secret.json
        [ "$got" = "$id" ] || { echo "ceph osd new gave id $got, wanted $id" >&2; exit 1; }
        ceph-authtool --create-keyring "$dir/keyring" --name "osd.$id" --add-key "$secret" >/dev/null
        chown -R ceph:ceph "$dir"
        chmod 0600 "$dir/keyring"
        timeout 120 sudo -u ceph ceph-osd -i "$id" --mkfs --osd-uuid "$uuid" --osd-data "$dir" 2>&1 \
            | grep -v -e '^$' -e 'bluestore(' -e '_read_fsid unparsable' -e 'unable to get device name' || true
        touch "$dir/ready"
        chown ceph:ceph "$dir/ready"
        log "created osd.$id ($(du -h --apparent-size "$dir/block" | cut -f1) sparse, $(du -h "$dir/block" | cut -f1) used)"
    fi
    enable_now "ceph-osd@$id"
done
for id in $(seq 0 $((NUM_OSDS - 1))); do
    osd_active "$id"
done

# -- pool, image, client key -------------------------------------------------------------------
for _ in $(seq 1 120); do
    up=$(ceph osd stat -f json | python3 -c 'import json,sys; print(json.load(sys.stdin)["num_up_osds"])')
    [ "$up" -ge "$NUM_OSDS" ] && break
    sleep 0.5
done
if ! ceph osd pool ls | grep -qx "$POOL"; then
    ceph osd pool create "$POOL" "$PG_NUM" "$PG_NUM" replicated >/dev/null
    ceph osd pool set "$POOL" size 3 >/dev/null 2>&1
    ceph osd pool set "$POOL" min_size 2 >/dev/null 2>&1
    rbd pool init "$POOL"
    log "created pool $POOL"
fi
if ! rbd info "$POOL/$IMAGE" >/dev/null 2>&1; then
    rbd create "$POOL/$IMAGE" --size "$IMAGE_SIZE"
    log "created image $POOL/$IMAGE"
fi
# the mark the fio runner looks for before it writes to an image
rbd image-meta set "$POOL/$IMAGE" hacert.scratch true >/dev/null
if [ ! -s "/etc/ceph/ceph.client.$CLIENT.keyring" ]; then
    ceph auth get-or-create "client.$CLIENT" mon 'profile rbd, allow r' \
        osd "profile rbd pool=$POOL" mgr "profile rbd pool=$POOL" \
        -o "/etc/ceph/ceph.client.$CLIENT.keyring.tmp"
    chmod 0600 "/etc/ceph/ceph.client.$CLIENT.keyring.tmp"
    mv "/etc/ceph/ceph.client.$CLIENT.keyring.tmp" "/etc/ceph/ceph.client.$CLIENT.keyring"
    log "created client.$CLIENT"
fi
ceph osd unset noout >/dev/null 2>&1 || true
