"""Errors that reach the user as one line; everything else is a bug with a traceback."""

from __future__ import annotations


class KgraphError(Exception):
    """A user-facing problem: the message names the file, row and field where it can."""

    exit_code = 1


class UsageProblem(KgraphError):
    """The command line itself is wrong (exit 2, like click's usage errors)."""

    exit_code = 2


class BadInput(KgraphError):
    """A source file cannot be read at all (empty, binary, wrong shape)."""

    def __init__(self, path: str, why: str, line: int | None = None, field: str | None = None):
        self.path, self.why, self.line, self.field = path, why, line, field
        where = path if line is None else f"{path}:{line}"
        super().__init__(f"{where}: {field}: {why}" if field else f"{where}: {why}")

    def __reduce__(self) -> tuple:  # pickled whole: a worker process's error (kgraph.batch)
        return (type(self), (self.path, self.why, self.line, self.field))


class NoImporter(KgraphError):
    """No plugin recognises a file, or more than one does equally well."""


class StoreBusy(KgraphError):
    """Another kgraph process holds the store."""


class StrictRejects(KgraphError):
    """--strict was given and some records were rejected: nothing was imported."""
