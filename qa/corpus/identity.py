"""What makes two issue files the same issue: their parsed content, not their bytes or names.

A GB18030 copy, a CRLF copy with a BOM, or a file re-wrapped at other columns decodes to
the same characters; the key ignores encoding, line ends, widths and whitespace. A
printed masthead (第N期 and its date) names one issue too, whatever the text around it.
"""

from __future__ import annotations

import hashlib
import unicodedata

from qa.corpus.models import Issue


def content_key(text: str) -> str:
    """A fingerprint of an issue's decoded text, blind to BOM, line ends, full/half width and whitespace."""
    normal = unicodedata.normalize("NFKC", text.lstrip("\ufeff"))
    return hashlib.sha256("".join(normal.split()).encode("utf-8")).hexdigest()


def masthead_key(issue: Issue) -> str | None:
    """`2415@2021-11-04` when the issue prints both its number and its date; None otherwise (inferred dates do not count)."""
    if not issue.issue_no or issue.date is None or issue.date_inferred:
        return None
    return f"{issue.issue_no}@{issue.date.isoformat()}"
