"""The compendium importer's parts (the importer itself is plugins/compendium.py): a file
-> a `Table` -> records. Each module uses only those listed above it.

* `columns`: which column holds what, from its heading (`guess`, `recognise`);
* `names`: the organisation names in one cell (`split_orgs`);
* `encoding`: what a text file is encoded in, and refusing binary files;
* `tables`: opening CSV/TSV, XLSX or JSON as a `Table` (delimiter, header row);
* `rows`: each data row -> a PartnershipRecord or a Reject (dates, amounts, outcomes,
  members, long-form rows merged);
* `detection`: how surely a file is a compendium table, cheaply.
"""
