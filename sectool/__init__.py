"""sectool: a version manager for the Smart Energy Code, on git."""

__version__ = "0.1.0"
