"""Reading raw issue files into typed issues and articles."""

from qa.corpus.models import Article, Issue
from qa.corpus.parse import parse_file, parse_text

__all__ = ["Article", "Issue", "parse_file", "parse_text"]
