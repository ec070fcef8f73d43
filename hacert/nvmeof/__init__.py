"""nvmeof: commands, parsers and typed state."""
