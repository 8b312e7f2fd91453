"""`python -m kgraph` runs the command line."""

from kgraph.cli import main

if __name__ == "__main__":  # a worker process of a batch import imports this module too
    main()
