"""Built-in importer plugins, found through the kgraph entry-point group like any other."""
