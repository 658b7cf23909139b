"""How what a person types names a contact: folded names, word prefixes, closest names.

A contact's `name_key` column holds `fold(name)`: lower-case, accents
removed, spaces collapsed, so `jose`, `José Álvarez` and `JOSE ALVAREZ` meet
the same key and one index answers the whole name and its prefixes.
`storage.queries.resolve` turns a WHO into SQL with `word_patterns` (each
typed word must start a word of the name) and, when nobody matches, asks
`closest` which names were probably meant. Pure functions; `unicodedata` is
the only import at load, `difflib` is loaded when a name is not found.
"""

from __future__ import annotations

import unicodedata

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import Iterable

# Characters that separate the words of a name besides spaces: "Mary-Jane", "O'Neil", "Smith, Jr."
_SEPARATORS = str.maketrans({"-": " ", "'": " ", "\u2019": " ", ".": " ", ",": " ", "(": " ", ")": " ", "/": " "})


def fold(text: str) -> str:
    """`text` as a lookup key: accents off, case folded, its words joined by one space.

    >>> fold("  José  ÁLVAREZ ")
    'jose alvarez'
    >>> fold("Mary-Jane O'Neil")
    'mary jane o neil'
    """
    if not text.isascii():
        bare = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
        # casefold can set accents apart again (e.g. 'İ'): a second pass keeps the key bare
        text = "".join(ch for ch in unicodedata.normalize("NFKD", bare.casefold()) if not unicodedata.combining(ch))
    return " ".join(text.casefold().translate(_SEPARATORS).split())


def words(key: str) -> list[str]:
    """The words of a folded name or query."""
    return key.split()


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def word_patterns(key: str) -> list[str]:
    """LIKE patterns (escape '\\') that `' ' || name_key` must all match for every typed word to
    start a word of the name: 'ana ru' -> ['% ana%', '% ru%']."""
    return [f"% {escape_like(word)}%" for word in words(key)]


def starts_words(query_key: str, name_key: str) -> bool:
    """Whether every word of the query starts some word of the name (the rule `word_patterns` puts in SQL)."""
    text = " " + name_key
    return all(f" {word}" in text for word in words(query_key))


def closest(query: str, candidates: Iterable[tuple[int, str]], limit: int = 3) -> list[tuple[int, str]]:
    """The (id, name) pairs whose names are most like `query`, best first; only close ones.

    A name is close when it is like the whole query, or when each word typed is
    like some word of the name ("Helen Prak" -> Helen Park, "alvares" -> José Álvarez).
    """
    from difflib import SequenceMatcher

    key = fold(query)
    typed = words(key)
    if not typed:
        return []
    scored: list[tuple[float, int, str]] = []
    matcher = SequenceMatcher(autojunk=False)
    for contact_id, name in candidates:
        name_key = fold(name)
        matcher.set_seqs(key, name_key)
        score = matcher.ratio() if matcher.real_quick_ratio() >= 0.6 and matcher.quick_ratio() >= 0.6 else 0.0
        parts = words(name_key)
        if parts:
            total = 0.0
            for word in typed:
                best = 0.0
                for part in parts:
                    matcher.set_seqs(word, part[: max(len(word), 1) + 2])
                    if matcher.real_quick_ratio() >= 0.7:
                        best = max(best, matcher.ratio())
                total += best
            score = max(score, total / len(typed))
        if score >= 0.75:
            scored.append((score, contact_id, name))
    scored.sort(key=lambda found: (-found[0], fold(found[2]), found[1]))
    return [(contact_id, name) for _, contact_id, name in scored[:limit]]
