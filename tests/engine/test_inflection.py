"""Lexicon inflections: lemminflect's forms, its table parsed only for the lemmas looked up."""

from __future__ import annotations

import pytest

from moderation.engine.inflection import _lemminflect, inflections


@pytest.mark.parametrize(
    ("word", "kind"),
    [("walk", "verb"), ("be", "verb"), ("can", "verb"), ("go", "verb"), ("child", "noun"), ("goose", "noun"), ("good", "adjective")],
)
def test_the_lazy_table_gives_what_lemminflects_own_table_gives(word: str, kind: str) -> None:
    from lemminflect.codecs.InflectionLUCodec import InflectionLUCodec
    from lemminflect.core.Inflections import Inflections

    get_all, _oov = _lemminflect()
    table = Inflections()
    lazy = table.infl_dict
    assert type(lazy).__name__ == "_LazyTable"
    upos = {"verb": "VERB", "noun": "NOUN", "adjective": "ADJ"}[kind]
    found = get_all(word, upos=upos)  # type: ignore[operator]
    try:
        table.infl_dict = InflectionLUCodec.load(table.infl_lu_fn)
        assert get_all(word, upos=upos) == found  # type: ignore[operator]
    finally:
        table.infl_dict = lazy


def test_irregular_and_regular_forms() -> None:
    assert set(inflections("go", "verb")) >= {"go", "goes", "went", "gone", "going"}
    assert set(inflections("goose", "noun")) == {"goose", "geese"}
    assert inflections("kill*", "verb") == ("kill*",)


def test_the_lazy_table_holds_every_lemma_of_lemminflects_own_table() -> None:
    from lemminflect.codecs.InflectionLUCodec import InflectionLUCodec
    from lemminflect.core.Inflections import Inflections

    _lemminflect()
    table = Inflections()
    lazy = table.infl_dict
    assert type(lazy).__name__ == "_LazyTable"
    full = InflectionLUCodec.load(table.infl_lu_fn)
    assert all(lazy.get(lemma) == forms for lemma, forms in full.items())
    assert lazy.get("zzzz-no-such-lemma") is None and lazy.get("Aachen,") is None
