"""How what a person types names a contact: folded names, word prefixes, closest names.

A contact's `name_key` column holds `fold(name)`: lower-case, accents
removed, spaces collapsed, so `jose`, `José Álvarez` and `JOSE ALVAREZ` meet
the same key and one index answers the whole name and its prefixes.
Each word of the key is a row of `contact_word` (`word_rows`), indexed, so
`storage.queries.resolve` finds a contact by the start of any word of the name
(every typed word must start one) without reading every name and, when nobody
matches, asks `closest` which names were probably meant. Pure functions; `unicodedata` is
the only import at load, `difflib` is loaded when a name is not found.
"""

from __future__ import annotations

import unicodedata

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import Iterable

# Characters that separate the words of a name besides spaces: "Mary-Jane", "O'Neil", "Smith, Jr."
_SEPARATORS = str.maketrans({ch: " " for ch in "-'.,()/\u2010\u2011\u2013\u2014\u2019"})
# Letters that are no base letter plus an accent, so decomposing leaves them as they are: typed
# on an English keyboard as these ("lukasz" for Łukasz, "oyvind" for Øyvind, "dorde" for Đorđe).
_LETTERS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ŧ": "t", "ı": "i", "æ": "ae", "œ": "oe",
                          "þ": "th"})


def fold(text: str) -> str:
    """`text` as a lookup key: accents off, case folded, its words joined by one space.

    >>> fold("  José  ÁLVAREZ ")
    'jose alvarez'
    >>> fold("Mary-Jane O'Neil")
    'mary jane o neil'
    """
    if not text.isascii():
        text = _bare(text).casefold()
        if not text.isascii():  # casefold can set an accent apart again ('İ' is 'i' and a dot)
            text = _bare(text).translate(_LETTERS)
    return " ".join(text.casefold().translate(_SEPARATORS).split())


def _bare(text: str) -> str:
    """`text` decomposed (NFKD) without its combining marks: 'José' -> 'Jose'."""
    combining = unicodedata.combining
    return "".join([ch for ch in unicodedata.normalize("NFKD", text) if not combining(ch)])


def words(key: str) -> list[str]:
    """The words of a folded name or query, each once, in order."""
    return list(dict.fromkeys(key.split()))


def word_rows(contact_id: int, key: str) -> list[dict]:
    """The `contact_word` rows of a contact whose `name_key` is `key` (`fold(name)`)."""
    return [{"contact_id": contact_id, "word": word} for word in words(key)]


def starts_words(query_key: str, name_key: str) -> bool:
    """Whether every word of a folded query starts some word of a folded name (what the
    `contact_word` index answers in SQL; this for the few names outside it, `fup forget`'s)."""
    name_words = name_key.split()
    return bool(query_key) and all(any(part.startswith(word) for part in name_words) for word in query_key.split())


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


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
