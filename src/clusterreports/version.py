"""The package's version, in a module of its own so that any stage can name it (pages
carry it in their generator tag) without importing the package's public API."""

__version__ = "0.1.0"
