"""Whether a word that opens a sentence is a name: a capitalised word no English dictionary knows."""

from __future__ import annotations

from functools import lru_cache

from .spelling import is_dictionary_word
from .wordlist import function_words

# Shorter words at a sentence start are interjections and abbreviations ("Ok", "Lol", "Ya") as often as names.
MIN_NAME_LENGTH = 3


@lru_cache(maxsize=65_536)
def is_name(word: str) -> bool:
    """True when a folded word written with a capital is no dictionary word, so a name ("Pelosi", not "Clown").

    Inside a sentence a capital is enough; at its start every word has one, so only a word that
    lemminflect's dictionary (nouns, verbs, adjectives, adverbs) and the commonest words lack is read as a name.
    """
    if len(word) < MIN_NAME_LENGTH or not word.isalpha() or word in function_words():
        return False
    return not is_dictionary_word(word)
