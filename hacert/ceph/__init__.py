"""ceph: commands, parsers and typed state."""
