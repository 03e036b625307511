"""The shared kernel has no models of its own (the accessibility statement moved to accounts,
beside the authority it belongs to)."""
