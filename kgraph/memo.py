"""Memoising a function of one text, for the short texts that repeat."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def short_texts(longest: int, kept: int) -> Callable[[Callable[[str], T]], Callable[[str], T]]:
    """Keep the answers for the last `kept` texts of at most `longest` characters; a longer
    text is answered afresh each time (the cache would hold it whole: files reach MBs)."""

    def wrap(fn: Callable[[str], T]) -> Callable[[str], T]:
        cached = functools.lru_cache(maxsize=kept)(fn)

        @functools.wraps(fn)
        def answer(text: str) -> T:
            return cached(text) if len(text) <= longest else fn(text)

        answer.cache_info = cached.cache_info  # type: ignore[attr-defined]
        return answer

    return wrap
