"""Errors of the meeting records, shown to users as a message."""

from qa.errors import QAError


class NotRecorded(QAError):
    """A person (or meeting) the records never name."""
