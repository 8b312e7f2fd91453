"""kgraph: a knowledge graph of public-sector partnerships."""

__version__ = "0.1.0"
