"""The words of a search of the published comments, and the highlighting of what it found, safe to show.

Highlighting never builds HTML: a comment is split into pieces, each marked or not, and the template escapes
every piece (`{% if marked %}<mark>{{ piece }}</mark>{% else %}{{ piece }}{% endif %}`), so a comment that
contains `<script>` shows as text. PostgreSQL's headline wraps matches in markers made of a random token
chosen when the process starts: a respondent cannot guess them, so no text they wrote can pass for a mark.
"""

from __future__ import annotations

import re
import secrets

from django.db import connections

CONFIG = "english"
MAX_LENGTH = 200
_TOKEN = secrets.token_hex(8)
START = f"hl{_TOKEN}start"
STOP = f"hl{_TOKEN}stop"
_MARKED = re.compile(f"{START}(.*?){STOP}", re.DOTALL)
_WORD = re.compile(r"\w+")
_OPERATORS = {"or"}  # web-search syntax: "a or b"

Pieces = list[tuple[bool, str]]


def words(query: str) -> list[str]:
    """The words of a query, lower-cased, once each, leaving out the web-search operator "or"."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(query.lower()):
        if word not in _OPERATORS:
            seen.setdefault(word, None)
    return list(seen)


def query_problem(query: str, *, using: str = "default") -> str:
    """Why a query cannot be searched ("" if it can): no words at all, or on PostgreSQL only words too common
    to be indexed (such as "the" or "and")."""
    if not words(query):
        return "Enter a word to search for, like “alarms” or “night shifts”"
    if connections[using].vendor == "postgresql":
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT numnode(websearch_to_tsquery(%s::regconfig, %s))", [CONFIG, query])
            (nodes,) = cursor.fetchone()
        if not nodes:
            return (
                "Your search has only very common words, like “the” or “and”, which are not searched. "
                "Add a more specific word"
            )
    return ""


def pieces_from_headline(headline: str) -> Pieces:
    """Split a PostgreSQL headline (matches between START and STOP) into (marked, text) pieces."""
    pieces, cursor = [], 0
    for match in _MARKED.finditer(headline):
        pieces.append((False, headline[cursor : match.start()]))
        pieces.append((True, match.group(1)))
        cursor = match.end()
    pieces.append((False, headline[cursor:]))
    return [piece for piece in pieces if piece[1]]


def pieces_from_words(text: str, query: str) -> Pieces:
    """Mark every case-insensitive occurrence of the query's words in the text (the SQLite fallback)."""
    found = words(query)
    if not found:
        return [(False, text)] if text else []
    pattern = re.compile("|".join(re.escape(word) for word in sorted(found, key=len, reverse=True)), re.I)
    pieces, cursor = [], 0
    for match in pattern.finditer(text):
        pieces.append((False, text[cursor : match.start()]))
        pieces.append((True, match.group(0)))
        cursor = match.end()
    pieces.append((False, text[cursor:]))
    return [piece for piece in pieces if piece[1]]
