#!/bin/sh
# Runs once inside the base image chroot (from build-base.sh): users, services, guest initramfs.
set -eu
# users: hacert (NOPASSWD sudo) and hacertpw (sudo asks for a password)
id hacert >/dev/null 2>&1 || useradd -m -s /bin/bash hacert
id hacertpw >/dev/null 2>&1 || useradd -m -s /bin/bash hacertpw
echo 'hacertpw:hacertpw' | chpasswd
echo 'hacluster:hacert-lab' | chpasswd
echo 'root:hacert-lab' | chpasswd
usermod -aG sudo hacertpw
printf 'hacert ALL=(ALL) NOPASSWD: ALL\n' > /etc/sudoers.d/hacert
chmod 0440 /etc/sudoers.d/hacert

# services: enabled ones start at boot; cluster config is written per host before boot
for u in ssh corosync pacemaker pcsd libvirtd openvswitch-switch chrony; do
  systemctl enable "$u" >/dev/null 2>&1 || echo "warn: cannot enable $u"
done
# nothing in a container can do these; mask to keep boot clean and fast
for u in systemd-udevd systemd-udevd-control.socket systemd-udevd-kernel.socket \
         systemd-udev-trigger systemd-udev-settle systemd-modules-load systemd-remount-fs \
         getty@tty1 console-getty serial-getty@console apt-daily.timer apt-daily-upgrade.timer \
         e2scrub_all.timer e2scrub_reap fstrim.timer man-db.timer \
         libvirt-guests ceph.target ceph-crash ceph-mon.target ceph-mgr.target ceph-osd.target \
         systemd-journald-audit.socket; do
  systemctl mask "$u" >/dev/null 2>&1 || true
done
rm -f /etc/corosync/corosync.conf

# the vm1 guest: busybox initramfs printing a tick counter on ttyS0
g=/usr/share/hacert/guest
mkdir -p "$g" /tmp/initrd/bin /tmp/initrd/proc /tmp/initrd/sys /tmp/initrd/dev
cp /bin/busybox /tmp/initrd/bin/busybox
cat > /tmp/initrd/init <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
echo "hacert guest up"
i=0
while true; do i=$((i+1)); echo "tick $i"; sleep 1; done
INIT
chmod 755 /tmp/initrd/init
(cd /tmp/initrd && find . | cpio -o -H newc 2>/dev/null | gzip -9) > "$g/initrd.cpio.gz"
rm -rf /tmp/initrd
echo "image setup done"
