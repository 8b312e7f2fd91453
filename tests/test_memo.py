"""Memoised text functions keep short texts only: a file's megabyte line is never held."""

from kgraph.memo import short_texts


def test_short_texts_are_answered_once_and_long_ones_never_kept() -> None:
    calls: list[str] = []

    @short_texts(longest=10, kept=2)
    def upper(text: str) -> str:
        calls.append(text)
        return text.upper()

    assert [upper("abc"), upper("abc"), upper("x" * 11), upper("x" * 11)] == [
        "ABC",
        "ABC",
        "X" * 11,
        "X" * 11,
    ]
    assert calls == ["abc", "x" * 11, "x" * 11]  # the short one once, the long one each time
    assert upper.cache_info().currsize == 1
