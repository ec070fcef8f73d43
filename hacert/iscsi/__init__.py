"""iscsi: commands, parsers and typed state."""
