"""Commands of the meetings layer (filled in by its issue)."""

COMMANDS: list = []
