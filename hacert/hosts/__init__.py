"""hosts: commands, parsers and typed state."""
