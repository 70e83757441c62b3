"""Cited question answering over the 新即墨 newspaper archive."""

__version__ = "0.1.0"
