"""Network analytics over the store: who collaborates, who brokers, who changed partners.

One direction of data flow, one module per job:

* `facts`       reads what analysis needs from the store with a few SPARQL queries
                (memberships with their years, organisations, partnerships, outcomes);
* `selection`   applies --period/--region/--service/--org-type/--source to those facts;
* `projection`  turns a selection into networkx graphs (organisation network, bipartite view);
* `engine`      computes heavy measures with igraph on a cached copy of a networkx graph;
* `centrality`, `communities`, `shifts`, `outcomes`   the tables the CLI prints.

Everything below `facts.load` is plain Python over plain data, so tests build small cases
by hand.
"""
