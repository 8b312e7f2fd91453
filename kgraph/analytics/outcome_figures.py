"""The figures `kgraph outcomes` gives per group, in their column order: a module of its own
so that the command line can name its columns without importing the analytics stack."""

FIGURES = (
    "partnerships",
    "reporting_gains",
    "gains_pct",
    "yearly_total",
    "yearly_median",
    "yearly_n",
    "one_off_total",
    "one_off_median",
    "one_off_n",
)
