"""StockPilot: the distribution's own namespace (settings and version)."""

__version__ = "0.1.0"
