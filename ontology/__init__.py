"""The kgraph vocabulary and SHACL shapes, shipped with the package."""
