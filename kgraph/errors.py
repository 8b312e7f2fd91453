"""Errors that reach the user as one line; everything else is a bug with a traceback."""

from __future__ import annotations

import errno


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


class DiskProblem(KgraphError):
    """The disk refused a write: full, over quota or read-only. Not a bug: one line."""


_DISK_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS}
# RocksDB (under Oxigraph) reports these as text, without an errno
_DISK_WORDS = ("No space left on device", "Disk quota exceeded", "Read-only file system")


def disk_problem(exc: BaseException, store: object = None) -> DiskProblem | None:
    """The one-line error for an OSError the disk caused, or None for any other exception
    (which stays a bug with its traceback). `store`: the store being written, whose
    promise the message repeats; else the file the error names, if any."""
    if not isinstance(exc, OSError):
        return None
    text = str(exc)
    if exc.errno not in _DISK_ERRNOS and not any(w in text for w in _DISK_WORDS):
        return None
    why = exc.strerror if exc.errno in _DISK_ERRNOS and exc.strerror else None
    why = why or next(w for w in _DISK_WORDS if w in text)
    where = store if store is not None else exc.filename
    message = f"{where}: cannot write: {why}" if where is not None else f"cannot write: {why}"
    message += ". Free some space (or make it writable) and run the command again"
    if store is not None:
        message += ": what it had begun is dropped, and readers never see half a source"
    return DiskProblem(message)
