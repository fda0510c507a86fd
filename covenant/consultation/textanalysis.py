"""Plain-Python text analysis for theme suggestions and campaign detection.

Consultation answers are short and number in the thousands per question, so TF-IDF term vectors with a
seeded k-means (cosine similarity) and shingled MinHash with banded locality-sensitive hashing are quick
enough without a numerical library. Both are deterministic for the same input, so a suggestion shown to an
analyst can be recomputed when they act on it.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections import Counter, defaultdict
from collections.abc import Sequence

WORD_RE = re.compile(r"[a-z][a-z'-]+")
STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having
    he her here hers him his how i if in into is it its itself just me more most my no nor not now of off on
    once only or other our ours out over own same she should so some such than that the their theirs them then
    there these they this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours think really much many every should would could must need needs
    one get got like make made way things thing us people""".split()
)


def normalise(text: str) -> str:
    """Lower case, letters and digits only, single spaces: template text with trivial edits hashes alike."""
    return " ".join(re.findall(r"[a-z0-9]+", (text or "").lower()))


def fingerprint(text: str) -> str:
    normal = normalise(text)
    if not normal:
        return ""
    return hashlib.sha1(normal.encode(), usedforsecurity=False).hexdigest()


def tokens(text: str) -> list[str]:
    return [
        word.strip("'-")
        for word in WORD_RE.findall((text or "").lower())
        if len(word) > 2 and word.strip("'-") not in STOP_WORDS
    ]


def tfidf_vectors(texts: Sequence[str]) -> tuple[list[dict[str, float]], dict[str, float]]:
    counts = [Counter(tokens(text)) for text in texts]
    document_frequency: Counter[str] = Counter()
    for count in counts:
        document_frequency.update(count.keys())
    total = len(texts)
    idf = {term: math.log((1 + total) / (1 + df)) + 1 for term, df in document_frequency.items()}
    vectors = []
    for count in counts:
        vector = {term: (1 + math.log(tf)) * idf[term] for term, tf in count.items()}
        norm = math.sqrt(sum(value * value for value in vector.values())) or 1.0
        vectors.append({term: value / norm for term, value in vector.items()})
    return vectors, idf


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(value * b.get(term, 0.0) for term, value in a.items())


def _centroid(vectors: list[dict[str, float]]) -> dict[str, float]:
    total: dict[str, float] = defaultdict(float)
    for vector in vectors:
        for term, value in vector.items():
            total[term] += value
    norm = math.sqrt(sum(value * value for value in total.values())) or 1.0
    return {term: value / norm for term, value in total.items()}


def kmeans(vectors: list[dict[str, float]], k: int, *, seed: int = 0, iterations: int = 15) -> list[int]:
    """Spherical k-means with k-means++ seeding. Returns a cluster index per vector (-1 for empty vectors)."""
    usable = [i for i, vector in enumerate(vectors) if vector]
    if not usable:
        return [-1] * len(vectors)
    k = max(1, min(k, len(usable)))
    rng = random.Random(seed)  # noqa: S311  # nosec B311  # reproducible clustering, not security
    centroids = [vectors[rng.choice(usable)]]
    while len(centroids) < k:
        distances = [1.0 - max(_dot(vectors[i], c) for c in centroids) for i in usable]
        total = sum(distances)
        if total <= 0:
            break
        pick = rng.random() * total
        for index, distance in zip(usable, distances, strict=True):
            pick -= distance
            if pick <= 0:
                centroids.append(vectors[index])
                break
    assignment = [-1] * len(vectors)
    for _ in range(iterations):
        changed = False
        for i in usable:
            best = max(range(len(centroids)), key=lambda c: _dot(vectors[i], centroids[c]))
            if assignment[i] != best:
                assignment[i] = best
                changed = True
        members: dict[int, list[dict[str, float]]] = defaultdict(list)
        for i in usable:
            members[assignment[i]].append(vectors[i])
        centroids = [_centroid(members[c]) if members[c] else centroids[c] for c in range(len(centroids))]
        if not changed:
            break
    return assignment


def top_terms(vectors: list[dict[str, float]], *, limit: int = 5) -> list[str]:
    centroid = _centroid(vectors)
    return [term for term, _ in sorted(centroid.items(), key=lambda item: (-item[1], item[0]))[:limit]]


# --- near-duplicates ----------------------------------------------------------------------------------------

MINHASH_PERMUTATIONS = 64
MINHASH_BANDS = 16  # 16 bands of 4 rows: pairs above ~0.6 Jaccard similarity almost always meet in a band
_MERSENNE = (1 << 61) - 1
_rng = random.Random(20260101)  # noqa: S311  # nosec B311  # fixed hash permutations, not security
_PERMUTATIONS = [
    (_rng.randrange(1, _MERSENNE), _rng.randrange(0, _MERSENNE)) for _ in range(MINHASH_PERMUTATIONS)
]


def _hash64(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode(), digest_size=8).digest(), "big")


def shingles(text: str, size: int = 4) -> set[int]:
    words = normalise(text).split()
    if len(words) < size:
        return {_hash64(" ".join(words))} if words else set()
    return {_hash64(" ".join(words[i : i + size])) for i in range(len(words) - size + 1)}


def minhash(shingle_set: set[int]) -> tuple[int, ...]:
    return tuple(min((a * s + b) % _MERSENNE for s in shingle_set) for a, b in _PERMUTATIONS)


def jaccard_estimate(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    return sum(1 for x, y in zip(a, b, strict=True) if x == y) / len(a)


def near_duplicate_groups(
    texts: dict[int, str], *, threshold: float = 0.7, min_words: int = 8
) -> list[list[int]]:
    """Groups (of ids) of texts whose estimated Jaccard similarity over word 4-shingles is at least
    `threshold`. Short texts are left out: "I agree" is not a campaign."""
    signatures = {}
    for key, text in texts.items():
        if len(normalise(text).split()) < min_words:
            continue
        signatures[key] = minhash(shingles(text))
    rows = MINHASH_PERMUTATIONS // MINHASH_BANDS
    buckets: dict[tuple, list[int]] = defaultdict(list)
    for key, signature in signatures.items():
        for band in range(MINHASH_BANDS):
            buckets[(band, signature[band * rows : (band + 1) * rows])].append(key)
    parent = {key: key for key in signatures}

    def find(key: int) -> int:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for members in buckets.values():
        if len(members) < 2:
            continue
        first = members[0]
        for other in members[1:]:
            if (
                find(first) != find(other)
                and jaccard_estimate(signatures[first], signatures[other]) >= threshold
            ):
                parent[find(other)] = find(first)
    groups: dict[int, list[int]] = defaultdict(list)
    for key in signatures:
        groups[find(key)].append(key)
    return sorted(
        (sorted(members) for members in groups.values() if len(members) > 1), key=lambda g: (-len(g), g[0])
    )


def response_text(texts: list[str]) -> str:
    """A response's free text as one string, its answers one to a line: what fingerprints and near-duplicate
    detection compare."""
    return "\n".join(text for text in texts if text)
