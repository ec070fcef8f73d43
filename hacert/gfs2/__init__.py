"""gfs2: commands, parsers and typed state."""
