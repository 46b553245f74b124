"""edition: declassified memoranda → TEI → a static scholarly edition."""

__version__ = "0.1.0"
