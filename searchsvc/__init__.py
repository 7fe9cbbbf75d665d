"""searchsvc: self-hosted full-text search for news archives."""

__version__ = "0.1.0"
