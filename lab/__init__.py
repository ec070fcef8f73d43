"""hacert lab: a corosync/pacemaker/libvirt/OVS cluster of systemd-nspawn hosts on one machine."""
