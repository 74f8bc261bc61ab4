"""supernodec: declarative infrastructure-as-code for AI supernodes and computing centers."""

__version__ = "0.1.0"
