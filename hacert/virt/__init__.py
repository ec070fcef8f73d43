"""virt: commands, parsers and typed state."""
