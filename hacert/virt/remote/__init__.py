"""Scripts that run on the hosts themselves (sent over SSH as `python3 -` stdin)."""
