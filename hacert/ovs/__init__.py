"""ovs: commands, parsers and typed state."""
