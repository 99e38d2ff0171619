"""Pure vocabulary and rules of the Copper API: no I/O, no third-party imports."""
