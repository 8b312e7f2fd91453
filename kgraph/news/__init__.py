"""The news importer's parts: splitting digests, articles and feeds into items
(`digest`, `feeds`), reading facts out of them (`extract`), and people's review of the
facts it was unsure of (`review`). The importer itself is plugins/news.py."""
