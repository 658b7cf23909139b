"""Finding people: how WHO names a contact (`lookup`, `queries.resolve`), through the CLI.

Case and accents never matter; a prefix of any word of the name finds it; an
ambiguous WHO lists each candidate with what tells them apart (exit 4); an
unknown one names the closest contacts (exit 3) and, for `log` and `next`,
how to add them. Nothing is written by a lookup that fails.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fupcli.errors import Ambiguous, NotFound
from fupcli.lookup import closest, fold, starts_words, word_rows, words
from fupcli.storage.queries import resolve


# --- the pure functions ---------------------------------------------------------


@pytest.mark.parametrize("text, key", [
    ("José Álvarez", "jose alvarez"), ("  JOSÉ   ÁLVAREZ ", "jose alvarez"), ("Mary-Jane O'Neil", "mary jane o neil"),
    ("Straße", "strasse"), ("Zoë Ñúñez", "zoe nunez"), ("Dr. Li, Jr.", "dr li jr"), ("Ａｎａ", "ana"), ("", ""),
    ("Łukasz Øyvind", "lukasz oyvind"), ("Đorđe Ærø", "dorde aero"), ("Anne–Marie", "anne marie"), ("İlkay", "ilkay"),
])
def test_fold(text: str, key: str) -> None:
    assert fold(text) == key


@given(st.text(max_size=40))
def test_fold_is_idempotent_and_has_no_accents_case_or_double_spaces(text: str) -> None:
    key = fold(text)
    assert fold(key) == key
    assert key == key.strip() and "  " not in key
    assert not any(unicodedata.combining(ch) for ch in key)
    assert key == key.casefold()


@pytest.fixture(scope="module")
def index(tmp_path_factory):  # noqa: ANN001, ANN201
    """A real fup database (schema by the store) to put names in and look them up with `resolve`."""
    from fupcli.storage.store import Store

    path = tmp_path_factory.mktemp("lookup") / "fup.db"
    store = Store(path, datetime(2026, 11, 23, 9, 0))
    store.prepare_for_write()
    store.close()
    conn = sqlite3.connect(path)
    yield conn
    conn.close()


def _put(conn: sqlite3.Connection, names: list[str]) -> None:
    conn.execute("DELETE FROM contact_word")
    conn.execute("DELETE FROM contact")
    for number, name in enumerate(names, 1):
        conn.execute("INSERT INTO contact (id, name, name_key, tags, channel, cadence, state, created_at, updated_at, "
                     "unanswered_streak) VALUES (?, ?, ?, '', 'email', 'warm', 'active', '2026-11-23 09:00:00', "
                     "'2026-11-23 09:00:00', 0)", (number, name, fold(name)))
        conn.executemany("INSERT INTO contact_word (contact_id, word) VALUES (:contact_id, :word)", word_rows(number, fold(name)))


_NAME_WORD = st.text(st.characters(whitelist_categories=("Lu", "Ll"), max_codepoint=0x24F), min_size=1, max_size=7)


@given(st.lists(_NAME_WORD, min_size=1, max_size=4), st.data())
@settings(max_examples=150, deadline=None)
def test_every_start_of_a_word_finds_the_one_name(index, parts: list[str], data: st.DataObject) -> None:  # noqa: ANN001
    name = " ".join(parts)
    if not words(fold(name)):
        return
    _put(index, [name])
    word = data.draw(st.sampled_from(words(fold(name))))
    prefix = word[: data.draw(st.integers(1, len(word)))]
    typed = data.draw(st.sampled_from([prefix, prefix.upper(), f"  {prefix} "]))
    assert resolve(index, typed)["id"] == 1


@given(st.lists(st.lists(_NAME_WORD, min_size=1, max_size=3).map(" ".join), min_size=1, max_size=5),
       st.text(st.characters(whitelist_categories=("Lu", "Ll", "Zs", "Pd")), min_size=1, max_size=12))
@settings(max_examples=150, deadline=None)
def test_resolve_finds_exactly_what_the_rule_says(index, names: list[str], typed: str) -> None:  # noqa: ANN001
    """The rule, written without SQL: the whole name, else its start, else every typed word
    starting a word of the name; the first rule that finds anyone decides."""
    _put(index, names)
    key = fold(typed)
    if not key:
        return
    keys = {number: fold(name) for number, name in enumerate(names, 1)}
    expected = ([n for n, k in keys.items() if k == key] or [n for n, k in keys.items() if k.startswith(key)]
                or [n for n, k in keys.items() if starts_words(key, k)])
    try:
        found = [resolve(index, typed)["id"]]
    except NotFound:
        found = []
    except Ambiguous:
        found = None
    if len(expected) > 1:
        assert found is None
    else:
        assert found == expected


def test_closest_names() -> None:
    people = [(7, "Helen Park"), (8, "Bob Smith"), (9, "José Álvarez"), (10, "Helena Parkinson")]
    assert closest("Helen Prak", people)[0] == (7, "Helen Park")
    assert closest("alvares", people) == [(9, "José Álvarez")]
    assert closest("zzz", people) == []
    assert closest("", people) == []


# --- through the CLI ---------------------------------------------------------------


@pytest.fixture
def people(fup):  # noqa: ANN001, ANN201
    fup.ok("add", "José Álvarez", "--company", "Acme", "--email", "jose@acme.example")
    fup.ok("add", "Ana Ruiz", "--company", "Acme", "--email", "ana@acme.example")
    fup.ok("add", "Ana Ruiz", "--company", "Globex")
    fup.ok("add", "Helen Park")
    fup.ok("add", "Mary-Jane O'Neil")
    return fup


@pytest.mark.parametrize("who", ["jose", "alvarez", "Jose Alvarez", "josé álvarez", "JOSÉ", "j alv", "alv jo",
                                 "jose@acme.example", "JOSE@ACME.EXAMPLE", "1", "#1"])
def test_jose_is_found_every_way_people_type_him(people, who: str) -> None:  # noqa: ANN001
    assert people.json("show", who, "--format", "json")["id"] == 1


@pytest.mark.parametrize("who, found", [("helen", 4), ("park", 4), ("jane", 5), ("o'neil", 5), ("neil", 5), ("mary jane", 5)])
def test_a_start_of_any_word(people, who: str, found: int) -> None:  # noqa: ANN001
    assert people.json("show", who, "--format", "json")["id"] == found


def test_the_whole_name_beats_a_longer_one(fup) -> None:  # noqa: ANN001
    fup.ok("add", "Ana")
    fup.ok("add", "Ana Belén")
    fup.ok("add", "Maria Ana")
    assert fup.json("show", "ana", "--format", "json")["name"] == "Ana"
    assert fup.json("show", "ana b", "--format", "json")["name"] == "Ana Belén"
    assert fup.json("show", "maria", "--format", "json")["name"] == "Maria Ana"


def test_a_name_start_beats_a_later_word(fup) -> None:  # noqa: ANN001
    fup.ok("add", "Ana Ruiz")
    fup.ok("add", "Maria Ana Lopez")
    assert fup.json("show", "ana", "--format", "json")["name"] == "Ana Ruiz"


def test_two_of_the_same_name_are_told_apart(people) -> None:  # noqa: ANN001
    before = people.dump()
    for who in ("ruiz", "Ana Ruiz", "ana"):
        result = people("log", who)
        assert result.exit_code == 4
        assert result.stderr.count("\n") == 1
        assert "Ana Ruiz (#2, Acme, ana@acme.example)" in result.stderr
        assert "Ana Ruiz (#3, Globex)" in result.stderr
        assert "use the id" in result.stderr
    assert people.dump() == before
    assert people.json("show", "3", "--format", "json")["company"] == "Globex"


def test_not_found_names_the_closest(people) -> None:  # noqa: ANN001
    result = people("show", "Helen Prak")
    assert result.exit_code == 3
    assert result.stderr == 'fup: error: no contact "Helen Prak"; did you mean Helen Park (#4)?\n'
    result = people("show", "zzz")
    assert result.exit_code == 3 and result.stderr.count("\n") == 1 and "did you mean" not in result.stderr


@pytest.mark.parametrize("command", [["log", "Helen Prak"], ["next", "Helen Prak", "send it", "--due", "fri"]])
def test_log_and_next_of_someone_unknown_say_how_to_add_them(people, command: list[str]) -> None:  # noqa: ANN001
    before = people.dump()
    result = people(*command)
    assert result.exit_code == 3
    assert result.stderr == ('fup: error: no contact "Helen Prak"; did you mean Helen Park (#4)? '
                             'Or add them: fup add "Helen Prak"\n')
    assert people("log", "Quentin").stderr == 'fup: error: no contact "Quentin"; to add them: fup add "Quentin"\n'
    assert people.dump() == before


def test_a_renamed_contact_is_found_by_the_new_name(people) -> None:  # noqa: ANN001
    people.ok("edit", "helen", "--name", "Hélène Parc")
    assert people.json("show", "helene", "--format", "json")["id"] == 4
    assert people("show", "helen park").exit_code == 3


def test_imported_names_are_folded_too(fup, tmp_path) -> None:  # noqa: ANN001
    csv = tmp_path / "Connections.csv"
    csv.write_text("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
                   "Renée,Åkesson,,renee@example.com,Acme,CTO,01 Nov 2026\n", encoding="utf-8")
    fup.ok("import", "contacts", str(csv))
    assert fup.json("show", "akesson", "--format", "json")["name"] == "Renée Åkesson"


def test_the_list_sorts_accented_names_with_the_plain_ones(fup) -> None:  # noqa: ANN001
    for name in ("Zoe", "Émile", "Eve", "adam"):
        fup.ok("add", name)
    assert [c["name"] for c in fup.json("list", "--format", "json")] == ["adam", "Émile", "Eve", "Zoe"]


def test_a_who_of_a_thousand_words_is_one_line(people) -> None:  # noqa: ANN001
    before = people.dump()
    result = people("log", "ab " * 1000)
    assert result.exit_code == 3 and result.stderr.count("\n") == 1
    assert people.dump() == before


def test_letters_with_no_accent_to_strip(fup) -> None:  # noqa: ANN001
    fup.ok("add", "Łukasz Wróbel")
    fup.ok("add", "Øyvind Dæhlie")
    assert fup.json("show", "lukasz", "--format", "json")["name"] == "Łukasz Wróbel"
    assert fup.json("show", "oyvind daehlie", "--format", "json")["name"] == "Øyvind Dæhlie"


def test_forget_finds_a_removed_contact_as_show_finds_the_living(fup) -> None:  # noqa: ANN001
    fup.ok("add", "Renée Dupré")
    fup.ok("add", "Sam Kay")
    fup.ok("rm", "renee", "--yes")
    result = fup.ok("forget", "dupre", "--yes")
    assert "Renée Dupré" in result.stdout
    assert fup("forget", "dupre", "--yes").exit_code == 3
