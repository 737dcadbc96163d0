"""Berdaya: offline-first registry, distribution and training app for Dinas Sosial offices."""

__version__ = "0.3.1"
