#!/bin/bash
# Build the lab's shared read-only base rootfs (Debian bookworm + the HA stack).
# Usage: build-base.sh <target-dir> <files-dir>
# Runs once; the result is cached under $HACERT_LAB_CACHE. Prints progress lines "[build] ...".
set -euo pipefail
target=$1
files=$2  # copied over the image root before image-setup.sh runs
mirror=${HACERT_LAB_MIRROR:-http://deb.debian.org/debian}
secmirror=${HACERT_LAB_SECMIRROR:-http://deb.debian.org/debian-security}
export DEBIAN_FRONTEND=noninteractive LC_ALL=C

step() { echo "[build] $(date +%T) $*"; }

packages=(
  systemd systemd-sysv dbus openssh-server openssh-client sudo
  corosync pacemaker pacemaker-cli-utils pcs crmsh resource-agents fence-agents
  fio openvswitch-switch qemu-system-x86 libvirt-daemon-system libvirt-clients
  libvirt-daemon-driver-qemu
  iproute2 iptables nftables ethtool python3 jq procps iputils-ping chrony
  ceph-mon ceph-mgr ceph-osd ceph-common
  busybox-static cpio less netcat-openbsd socat kmod psmisc lsof tcpdump
)

if [ ! -x "$target/usr/bin/apt-get" ]; then
  step "debootstrap --variant=minbase bookworm (about a minute)"
  rm -rf "$target"
  debootstrap --variant=minbase bookworm "$target" "$mirror" | sed -u 's/^/[build]   /' | grep -E 'I: (Retrieving Release|Base system installed|Extracting|Configuring)' | awk 'NR%15==1' || true
  test -x "$target/usr/bin/apt-get"
fi

cat > "$target/etc/apt/sources.list" <<SRC
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $secmirror bookworm-security main
SRC
printf '#!/bin/sh\nexit 101\n' > "$target/usr/sbin/policy-rc.d"
chmod 755 "$target/usr/sbin/policy-rc.d"
cp /etc/resolv.conf "$target/etc/resolv.conf" 2>/dev/null || true

mounted=()
cleanup() { for m in "${mounted[@]}"; do umount -l "$target/$m" 2>/dev/null || true; done; }
trap cleanup EXIT
for m in proc sys dev dev/pts; do
  mkdir -p "$target/$m"
  case $m in
    proc) mount -t proc proc "$target/proc" ;;
    sys) mount -t sysfs sys "$target/sys" ;;
    dev) mount --bind /dev "$target/dev" ;;
    dev/pts) mount --bind /dev/pts "$target/dev/pts" ;;
  esac
  mounted=("$m" "${mounted[@]}")
done

step "apt-get update in the image"
chroot "$target" apt-get update -q | tail -n 2 | sed 's/^/[build]   /'
step "apt-get install ${#packages[@]} packages (several minutes; progress every 50 packages)"
chroot "$target" apt-get install -y -q --no-install-recommends "${packages[@]}" 2>&1 \
  | grep -E '^(Setting up|Unpacking|E:)' | awk '/^E:/{print "[build]   " $0; next} NR%50==1{print "[build]   " NR " " $0; fflush()}'
chroot "$target" dpkg -s corosync pacemaker openssh-server qemu-system-x86 ceph-osd >/dev/null

step "guest kernel for the vm1 busybox guest"
if [ ! -s "$target/usr/share/hacert/guest/vmlinuz" ]; then
  mkdir -p "$target/usr/share/hacert/guest" "$target/tmp/kdl" && chmod 777 "$target/tmp/kdl"
  chroot "$target" sh -c 'cd /tmp/kdl && pkg=$(apt-cache depends linux-image-amd64 | awk "/Depends: linux-image-[0-9]/{print \$2; exit}") && apt-get download -q "$pkg" && dpkg-deb -x linux-image-*.deb x && cp x/boot/vmlinuz-* /usr/share/hacert/guest/vmlinuz'
  rm -rf "$target/tmp/kdl"
fi

step "configuring the image"
rm -f "$target/usr/sbin/policy-rc.d"
cp -a "$files/." "$target/"
chroot "$target" /bin/sh /usr/local/lib/hacert/image-setup.sh 2>&1 | sed 's/^/[build]   /'
chroot "$target" apt-get clean
rm -rf "$target/var/lib/apt/lists/"*
: > "$target/etc/machine-id"
rm -f "$target/etc/ssh/ssh_host_"*
step "done: $(du -shx "$target" 2>/dev/null | cut -f1)"
