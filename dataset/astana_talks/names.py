"""Matching names the way people type them: case, diacritics and punctuation ignored."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from difflib import get_close_matches

_APOSTROPHES = re.compile(r"['\u2019\u2018`\u02bc]")
_NON_WORD = re.compile(r"[\W_]+")
_ARTICLE = re.compile(r"^the ")


def normalize_name(name: str) -> str:
    """Fold a name for lookup: ``"Türkiye"``, ``"turkiye"`` and ``"TURKIYE"`` agree.

    Diacritics and case are dropped, apostrophes removed, initials joined
    (``"U.N."`` -> ``"un"``), other punctuation turned into spaces and a leading
    "the" ignored. Letters of every script are kept ("أحمد طعمة", "Лаврентьев").
    """
    decomposed = unicodedata.normalize("NFKD", name.replace("\u0131", "i"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    stripped = _APOSTROPHES.sub("", stripped)
    stripped = re.sub(r"\b([a-z])\.(?=[a-z]\b)", r"\1", stripped)
    words = _NON_WORD.sub(" ", stripped).strip()
    return _ARTICLE.sub("", words)


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate nearest to ``name`` after normalisation, if one is close."""
    options = {normalize_name(c): c for c in candidates}
    match = get_close_matches(normalize_name(name), list(options), n=1, cutoff=0.6)
    return options[match[0]] if match else None
