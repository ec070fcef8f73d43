#!/bin/bash
# One line per fact: health, daemons, pool, image, memory and disk of the Ceph tier.
set -uo pipefail
source "$(dirname "$0")/common.sh"
lab_ssh "$CEPH_HOST" true 2>/dev/null || { say "ceph1: down"; exit 3; }
# exit 0: HEALTH_OK and every daemon active; 1: degraded; 2: cluster silent; 3: host down
lab_ssh "$CEPH_HOST" 'bash -s' <<'REMOTE'
if ! timeout 10 ceph -s -f json > /tmp/hacert-ceph-s.json 2>/dev/null; then
    echo "[ceph] ceph1: up, cluster not answering"; exit 2
fi
python3 - <<'PY'
import json
s = json.load(open("/tmp/hacert-ceph-s.json"))
o = s["osdmap"].get("osdmap", s["osdmap"])
pg = s["pgmap"]
print(f"[ceph] health {s['health']['status']}"
      + "".join(f" {c}" for c in s["health"].get("checks", {})))
print(f"[ceph] mons {','.join(s['quorum_names'])}; osds {o['num_up_osds']} up / "
      f"{o['num_in_osds']} in / {o['num_osds']}; pgs "
      + ", ".join(f"{x['count']} {x['state_name']}" for x in pg.get("pgs_by_state", [])))
print(f"[ceph] data {pg.get('bytes_used', 0) / 2**20:.0f} MiB used of {pg.get('bytes_total', 0) / 2**30:.1f} GiB")
PY
healthy=$(python3 -c 'import json; print(json.load(open("/tmp/hacert-ceph-s.json"))["health"]["status"])')
rss=$(ps -C ceph-mon,ceph-mgr,ceph-osd -o rss= | awk '{s+=$1} END {printf "%.0f", s/1024}')
disk=$(du -sm /var/lib/ceph | cut -f1)
states=$(systemctl is-active ceph-mon@ceph1 ceph-mgr@ceph1 ceph-osd@0 ceph-osd@1 ceph-osd@2)
echo "[ceph] daemons $(echo "$states" | sort | uniq -c | xargs); memory ${rss} MiB RSS; disk ${disk} MiB under /var/lib/ceph"
[ "$healthy" = HEALTH_OK ] && ! echo "$states" | grep -qv '^active$'
REMOTE
