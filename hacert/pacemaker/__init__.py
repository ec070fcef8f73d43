"""pacemaker: commands, parsers and typed state."""
