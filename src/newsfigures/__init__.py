"""newsfigures: a tidy, traceable table of the figures news articles report."""

__version__ = "0.1.0"
