#!/bin/bash
# Builds (once, cached) the Debian 12 VM image of the lab's VM tier:
#   $HACERT_LAB_CACHE/vm/{root.img,vmlinuz,initrd.img,IMAGE_OK}
# Stages are stamped so an interrupted build resumes.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${HACERT_LAB_CACHE:-/var/cache/hacert-lab}/vm"
ROOT="$CACHE/rootfs"
MIRROR="${HACERT_VM_MIRROR:-http://deb.debian.org/debian}"
PACKAGES=(
  linux-image-amd64 initramfs-tools systemd systemd-sysv udev kmod
  openssh-server corosync dlm-controld gfs2-utils targetcli-fb open-iscsi nvme-cli
  fio python3 ifenslave iproute2 iputils-ping chrony procps psmisc util-linux
  e2fsprogs netbase less
)
log() { printf '[vm-image %(%H:%M:%S)T] %s\n' -1 "$*"; }
T0=$SECONDS

if [[ -f "$CACHE/IMAGE_OK" ]]; then
  log "cached image $CACHE/root.img ($(cat "$CACHE/IMAGE_OK"))"
  exit 0
fi
mkdir -p "$CACHE"

in_chroot() { chroot "$ROOT" /usr/bin/env DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"; }
mount_chroot() {
  mountpoint -q "$ROOT/proc" || mount -t proc proc "$ROOT/proc"
  mountpoint -q "$ROOT/sys" || mount -t sysfs sys "$ROOT/sys"
  mountpoint -q "$ROOT/dev" || mount --bind /dev "$ROOT/dev"
  mountpoint -q "$ROOT/dev/pts" || mount --bind /dev/pts "$ROOT/dev/pts"
}
umount_chroot() {
  for m in dev/pts dev sys proc; do
    if mountpoint -q "$ROOT/$m"; then umount -l "$ROOT/$m"; fi
  done
}
trap umount_chroot EXIT

if [[ ! -f "$CACHE/.stage-debootstrap" ]]; then
  log "debootstrap --variant=minbase bookworm (about 60 s)"
  rm -rf "$ROOT"
  debootstrap --variant=minbase bookworm "$ROOT" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 \
    || { tail -20 "$CACHE/debootstrap.log"; exit 1; }
  touch "$CACHE/.stage-debootstrap"
  log "debootstrap done ($((SECONDS - T0)) s)"
fi

if [[ ! -f "$CACHE/.stage-packages" ]]; then
  mount_chroot
  printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
  chmod 755 "$ROOT/usr/sbin/policy-rc.d"
  mkdir -p "$ROOT/etc/initramfs-tools"
  # Only what the root disk needs: MODULES=list + these (dep would look at this machine).
  printf 'virtio_pci\nvirtio_blk\nvirtio_net\next4\ncrc32c_generic\n' >>"$ROOT/etc/initramfs-tools/modules"
  mkdir -p "$ROOT/etc/initramfs-tools/conf.d"
  echo 'MODULES=list' >"$ROOT/etc/initramfs-tools/conf.d/hacert"
  cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
  echo "deb $MIRROR bookworm main" >"$ROOT/etc/apt/sources.list"
  log "apt-get install ${#PACKAGES[@]} packages (a few minutes)"
  in_chroot apt-get update -q >"$CACHE/apt.log" 2>&1
  in_chroot apt-get install -y -q --no-install-recommends "${PACKAGES[@]}" >>"$CACHE/apt.log" 2>&1 \
    || { tail -30 "$CACHE/apt.log"; exit 1; }
  in_chroot apt-get clean
  rm -f "$ROOT/usr/sbin/policy-rc.d"
  touch "$CACHE/.stage-packages"
  log "packages installed ($((SECONDS - T0)) s)"
fi

log "configuring the image"
mount_chroot
cp -a "$HERE/rootfs/." "$ROOT/"
chmod 755 "$ROOT"/usr/local/sbin/* 2>/dev/null || true
echo 'root:hacert' | in_chroot chpasswd
rm -f "$ROOT"/etc/ssh/ssh_host_*
: >"$ROOT/etc/machine-id"
echo vm >"$ROOT/etc/hostname"
printf '/dev/vda / ext4 defaults,noatime,errors=remount-ro 0 1\n' >"$ROOT/etc/fstab"
mkdir -p "$ROOT/root/.ssh" && chmod 700 "$ROOT/root/.ssh"
if [[ -n "${HACERT_LAB_KEY:-}" && -f "${HACERT_LAB_KEY}.pub" ]]; then
  cp "${HACERT_LAB_KEY}.pub" "$ROOT/root/.ssh/authorized_keys"
fi
[[ -f "$ROOT/etc/corosync/authkey" ]] || in_chroot corosync-keygen -l >/dev/null 2>&1 \
  || head -c 256 /dev/urandom >"$ROOT/etc/corosync/authkey"
chmod 400 "$ROOT/etc/corosync/authkey"
in_chroot systemctl enable hacert-vm-setup.service hacert-vm-services.service \
  systemd-networkd.service corosync.service dlm.service mnt-gfs2.mount >/dev/null 2>&1
in_chroot systemctl disable iscsid.service open-iscsi.service >/dev/null 2>&1 || true
# Boot time under TCG matters (a loaded 2-core machine): nothing the lab does not use.
in_chroot systemctl mask systemd-networkd-wait-online.service networking.service \
  apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer e2scrub_reap.service \
  fstrim.timer nvmf-autoconnect.service nvmefc-boot-connections.service rtslib-fb-targetctl.service \
  getty@tty1.service systemd-pstore.service systemd-journal-flush.service remote-fs.target \
  systemd-update-utmp.service systemd-update-utmp-runlevel.service >/dev/null 2>&1 || true
KVER=$(basename "$(ls -d "$ROOT"/lib/modules/* | sort -V | tail -1)")
log "kernel $KVER: initramfs"
in_chroot update-initramfs -u -k "$KVER" >/dev/null
cp "$ROOT/boot/vmlinuz-$KVER" "$CACHE/vmlinuz"
cp "$ROOT/boot/initrd.img-$KVER" "$CACHE/initrd.img"
umount_chroot
log "ext4 root image"
rm -f "$CACHE/root.img.tmp"
truncate -s 3G "$CACHE/root.img.tmp"
mkfs.ext4 -q -F -L hacert-root -d "$ROOT" "$CACHE/root.img.tmp"
mv "$CACHE/root.img.tmp" "$CACHE/root.img"
echo "kernel $KVER, built $(date -u +%FT%TZ) in $((SECONDS - T0)) s, $(du -sh "$ROOT" | cut -f1) rootfs" \
  >"$CACHE/IMAGE_OK"
log "image ready: $(cat "$CACHE/IMAGE_OK")"
