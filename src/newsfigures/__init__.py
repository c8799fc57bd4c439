"""newsfigures: a tidy, traceable table of the figures news articles report."""

__version__ = "0.1.0"

from .native import install_guard  # noqa: E402

install_guard()          # compiled extractor modules only while they match their sources
