"""The ordinary-word lists: one walk of wordfreq's list gives what top_n_list gives for every count."""

from __future__ import annotations

import subprocess
import sys

import pytest
from wordfreq import top_n_list

from moderation.engine.wordlist import ordinary_words


@pytest.mark.parametrize("count", [200, 5_000, 100_000, 100_500])
def test_the_words_are_those_among_top_n_list_tokens(count: int) -> None:
    expected = tuple(word for word in top_n_list("en", count) if word.replace("'", "").isalpha())
    assert ordinary_words(count) == expected


def test_the_list_is_read_without_importing_wordfreq() -> None:
    # wordfreq's import (langcodes, ftfy, regex) and its whole decoded list would cost every worker tens of MB.
    probe = "import sys; from moderation.engine.wordlist import known_words; known_words(); print('wordfreq' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
