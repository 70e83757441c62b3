"""Commands of the index layer (filled in by its issue)."""

COMMANDS: list = []
