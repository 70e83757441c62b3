"""Typed errors; each message says what went wrong and what to do about it."""


class QAError(Exception):
    """Base class for errors shown to users as a message, never a traceback."""


class FileProblem(QAError):
    """One file of a batch that could not be taken in; the rest of the batch goes on."""

    def __init__(self, path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class UnreadableIssue(FileProblem):
    """An issue file that cannot be read as newspaper text."""


class IngestFailed(FileProblem):
    """A readable issue file whose storing failed; what it had written was taken back."""


class IngestCancelled(QAError):
    """An ingest stopped on request between two batches; what it had finished stays, the file it was on is taken back.

    `report`: what the run had done by then (an IngestReport).
    """

    def __init__(self, message: str, report=None):
        self.report = report
        super().__init__(message)


class IndexMismatch(QAError):
    """The index was built by another embedder than the one configured."""


class IndexMissing(QAError):
    """No index has been built yet."""


class BadQuestion(QAError):
    """A question that is empty, too long or otherwise unusable."""


class ConfigError(QAError):
    """Settings that cannot work together."""


class ArchiveMigrationFailed(QAError):
    """The stores of an index built before the one archive database could not be moved into it; they were left as they were."""
