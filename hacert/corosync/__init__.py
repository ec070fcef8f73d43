"""corosync: commands, parsers and typed state."""
