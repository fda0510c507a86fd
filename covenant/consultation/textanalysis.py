"""Text analysis for analysts, on maintained libraries: candidate themes (scikit-learn's TF-IDF and NMF), which
themes an answer raises (similarity to what analysts confirmed, in TF-IDF and latent semantic space) and
near-identical responses (datasketch's MinHash LSH finds candidate pairs, rapidfuzz confirms each pair).

Everything here is deterministic for the same input (fixed seeds, stable orderings), so a suggestion shown to an
analyst can be recomputed when they act on it. Nothing here reads the database: callers pass text they may read
(redacted text through `publication`, or the text a background task compares without storing).

How well it does is measured on `tests/data/consultation_eval.jsonl` by `benchmarks/consultation_analysis.py`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from datasketch import MinHash, MinHashLSH
from rapidfuzz import fuzz
from scipy.sparse import hstack
from sklearn.decomposition import NMF, TruncatedSVD
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.preprocessing import normalize

SEED = 20260101
# Words that say nothing about what a consultation answer is about, on top of scikit-learn's English list.
CONSULTATION_STOP_WORDS = frozenset(
    """think really agree disagree strongly just like way things thing people need needs want make made get got
    feel believe good bad also yes maybe lot lots time times know question covenant""".split()
)
STOP_WORDS = sorted(ENGLISH_STOP_WORDS | CONSULTATION_STOP_WORDS)
HALF = 0.5**0.5
TOKEN_PATTERN = r"(?u)\b[a-zA-Z][a-zA-Z'-]+[a-zA-Z]\b"  # noqa: S105  # nosec B105  # a word pattern, not a password


# What a moderator's redaction leaves in the text ("[redacted: phone number]") says nothing about the answer.
REDACTION_MARK = re.compile(r"\[redacted:[^\]]*\]", re.IGNORECASE)


def prepare(text: str) -> str:
    """The text as the topic model and the matcher read it: without redaction marks, in lower case."""
    return REDACTION_MARK.sub(" ", text or "").lower()


def normalise(text: str) -> str:
    """Lower case, letters and digits only, single spaces: template text with trivial edits compares alike."""
    return " ".join(re.findall(r"[a-z0-9]+", (text or "").lower()))


def fingerprint(text: str) -> str:
    normal = normalise(text)
    if not normal:
        return ""
    return hashlib.sha1(normal.encode(), usedforsecurity=False).hexdigest()


def response_text(texts: list[str]) -> str:
    """A response's free text as one string, its answers one to a line: what fingerprints and near-duplicate
    detection compare."""
    return "\n".join(text for text in texts if text)


def evenly_spaced(count: int, limit: int) -> list[int]:
    """Up to `limit` positions out of `count`, spread evenly: a deterministic sample that covers the whole
    period of a consultation rather than its first days."""
    if count <= limit:
        return list(range(count))
    return sorted({int(i * count / limit) for i in range(limit)})


# --- features --------------------------------------------------------------------------------------------------


# Below this many documents a term that most of them use is still worth keeping, and a character n-gram seen once
# counts: the document-frequency limits would otherwise leave nothing (or contradict each other).
FEW_DOCUMENTS = 10


def word_vectorizer(
    *, min_df: int = 1, max_features: int = 20_000, documents: int | None = None
) -> TfidfVectorizer:
    few = documents is not None and documents < FEW_DOCUMENTS
    return TfidfVectorizer(
        preprocessor=prepare,
        token_pattern=TOKEN_PATTERN,
        stop_words=STOP_WORDS,
        ngram_range=(1, 2),
        sublinear_tf=True,
        min_df=1 if few else min_df,
        max_df=1.0 if few else 0.6,
        max_features=max_features,
        dtype=np.float32,
    )


def char_vectorizer(*, max_features: int = 30_000, documents: int | None = None) -> TfidfVectorizer:
    """Character n-grams within words: "reportng", "reporting" and "reports" share most of theirs."""
    few = documents is not None and documents < FEW_DOCUMENTS
    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(3, 4),
        preprocessor=prepare,
        sublinear_tf=True,
        min_df=1 if few else 2,
        max_df=1.0 if few else 0.5,
        max_features=max_features,
        dtype=np.float32,
    )


def _min_df(count: int) -> int:
    return 1 if count < 50 else 2


# --- candidate themes --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Topic:
    """A candidate theme: its top terms, the positions (in the texts given) of the answers that raise it most,
    strongest first, and how many of the texts it is the main topic of."""

    index: int
    terms: tuple[str, ...]
    members: tuple[int, ...]
    representatives: tuple[int, ...]

    @property
    def key(self) -> str:
        """Stable for the same leading terms in any order: how a rejected suggestion is recognised again."""
        return "|".join(sorted(self.terms[:3]))


def topic_count(count: int, *, most: int = 8) -> int:
    """Few answers make few themes: about the square root of half their number, between 2 and `most`."""
    return max(2, min(most, int((count / 2) ** 0.5)))


def suggest_topics(texts: Sequence[str], *, topics: int | None = None, terms: int = 6) -> list[Topic]:
    """Candidate themes for a question's answers: NMF over TF-IDF word and word-pair features, each topic
    labelled by its top terms, its members the answers whose strongest topic it is (and that raise it at all),
    its representatives the members that weigh most on it. Empty answers belong to no topic."""
    usable = [i for i, text in enumerate(texts) if normalise(text)]
    if len(usable) < 4:
        return []
    vectorizer = word_vectorizer(min_df=_min_df(len(usable)), documents=len(usable))
    try:
        matrix = vectorizer.fit_transform([texts[i] for i in usable])
    except ValueError:  # nothing left after the stop words
        return []
    count = topics or topic_count(len(usable))
    count = max(1, min(count, matrix.shape[1], len(usable) - 1))
    model = NMF(n_components=count, init="nndsvda", random_state=SEED, max_iter=400, l1_ratio=0.0)
    weights = model.fit_transform(matrix)
    vocabulary = vectorizer.get_feature_names_out()
    strongest = weights.argmax(axis=1)
    found = []
    for topic in range(count):
        order = np.argsort(-model.components_[topic], kind="stable")
        labels = _distinct_terms([vocabulary[i] for i in order[: terms * 3]], terms)
        rows = [row for row in np.flatnonzero(strongest == topic) if weights[row, topic] > 0]
        rows.sort(key=lambda row: (-weights[row, topic], row))
        members = tuple(usable[row] for row in rows)
        if members:
            found.append(Topic(topic, tuple(labels), members, members[:5]))
    return sorted(found, key=lambda topic: (-len(topic.members), topic.index))


def _distinct_terms(candidates: list[str], limit: int) -> list[str]:
    """Top terms without repeats: "reporting form" makes "reporting" and "form" redundant."""
    chosen: list[str] = []
    for term in candidates:
        words = set(term.split())
        if any(words <= set(other.split()) or set(other.split()) <= words for other in chosen):
            if " " in term:  # a pair says more than the single word it contains
                chosen = [other for other in chosen if not set(other.split()) <= words]
            else:
                continue
        chosen.append(term)
        if len(chosen) == limit:
            break
    return chosen


def representative(texts: Sequence[str], *, limit: int = 3) -> list[int]:
    """Positions of the `limit` texts closest to what all of them have in common (the centroid of their TF-IDF
    vectors), most typical first; in the order given when there are too few to compare."""
    usable = [i for i, text in enumerate(texts) if normalise(text)]
    if len(usable) <= limit:
        return usable
    try:
        matrix = word_vectorizer(documents=len(usable)).fit_transform([texts[i] for i in usable])
    except ValueError:
        return usable[:limit]
    centroid = np.asarray(matrix.mean(axis=0)).ravel()
    closeness = matrix @ centroid
    order = sorted(range(len(usable)), key=lambda i: (-closeness[i], i))
    return [usable[i] for i in order[:limit]]


# --- which themes an answer raises -------------------------------------------------------------------------------


@dataclass
class ThemeProfile:
    """What an analyst has said a theme is: its name and description and the answers confirmed for it."""

    key: int
    name: str
    description: str = ""
    examples: list[str] = field(default_factory=list)

    @property
    def seed_text(self) -> str:
        return f"{self.name}. {self.description}".strip()


class ThemeMatcher:
    """Scores answers against a question's themes. Features are fitted on a sample of the question's answers
    (unsupervised: word TF-IDF, character n-grams, and a latent semantic space from them, where words that
    occur in the same answers come close); each theme is the centroid of its confirmed examples and, weighted
    less, its name and description. An answer raises a theme when its similarity passes the theme's own
    threshold, set from how similar the theme's confirmed examples are to it, and comes close to the answer's
    best theme. Bounded memory: `scores` takes any number of texts, in chunks."""

    RELATIVE = 0.6  # a second theme must score at least this share of the best one
    SEED_WEIGHT = 0.35  # the name and description against the examples

    def __init__(self, *, sample: Sequence[str], themes: Sequence[ThemeProfile]):
        self.themes = [theme for theme in themes if theme.examples or theme.name]
        sample = [text for text in sample if normalise(text)]
        corpus = (
            list(sample) + [t.seed_text for t in self.themes] + [e for t in self.themes for e in t.examples]
        )
        self.words = word_vectorizer(min_df=_min_df(len(corpus)), documents=len(corpus)).fit(corpus)
        self.chars = char_vectorizer(documents=len(corpus)).fit(corpus)
        components = max(2, min(60, len(corpus) // 4))
        base = self._base(corpus)
        self.svd = TruncatedSVD(n_components=min(components, base.shape[1] - 1), random_state=SEED).fit(base)
        self.centroids = np.vstack([self._centroid(theme) for theme in self.themes]) if self.themes else None
        self.thresholds = self._thresholds()

    def _base(self, texts: Sequence[str]):
        return normalize(hstack([self.words.transform(texts), self.chars.transform(texts)]).tocsr())

    def embed(self, texts: Sequence[str]) -> tuple:
        """Each text as a unit vector in two halves kept apart so that nothing large is ever dense: its TF-IDF
        features (sparse) and its latent semantic coordinates (dense, a hundred or so), each weighted by the
        square root of one half."""
        base = self._base(texts)
        latent = normalize(self.svd.transform(base)).astype(np.float32)
        return base * HALF, latent * HALF

    def _centroid(self, theme: ThemeProfile) -> np.ndarray:
        seed = np.hstack(
            [part.toarray() if hasattr(part, "toarray") else part for part in self.embed([theme.seed_text])]
        )[0]
        if not theme.examples:
            return seed / (np.linalg.norm(seed) or 1.0)
        base, latent = self.embed(theme.examples)
        examples = np.hstack([np.asarray(base.mean(axis=0)), latent.mean(axis=0, keepdims=True)])[0]
        vector = (1 - self.SEED_WEIGHT) * examples + self.SEED_WEIGHT * seed
        return (vector / (np.linalg.norm(vector) or 1.0)).astype(np.float32)

    def _similarity(self, texts: Sequence[str], centroids: np.ndarray) -> np.ndarray:
        base, latent = self.embed(texts)
        width = base.shape[1]
        return np.asarray(base @ centroids[:, :width].T) + latent @ centroids[:, width:].T

    def _thresholds(self) -> np.ndarray:
        """Per theme: a little under the similarity of its least typical confirmed example, never below a
        floor (so a theme with one example does not take everything) nor above a ceiling."""
        if self.centroids is None:
            return np.zeros(0)
        limits = []
        for index, theme in enumerate(self.themes):
            if len(theme.examples) >= 2:
                similarity = self._similarity(theme.examples, self.centroids[index : index + 1])[:, 0]
                limits.append(float(np.clip(np.percentile(similarity, 10) * 0.5, 0.12, 0.25)))
            else:
                limits.append(0.2)
        return np.array(limits, dtype=np.float32)

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        if self.centroids is None or not len(texts):
            return np.zeros((len(texts), len(self.themes)), dtype=np.float32)
        return self._similarity(texts, self.centroids)

    def assign(self, texts: Sequence[str]) -> list[list[tuple[int, float]]]:
        """For each text, the (theme key, score) pairs it raises, best first; none for an empty text."""
        scores = self.scores(texts)
        found = []
        for text, row in zip(texts, scores, strict=True):
            if not normalise(text) or not len(row):
                found.append([])
                continue
            best = float(row.max())
            chosen = [
                (self.themes[i].key, float(row[i]))
                for i in np.argsort(-row, kind="stable")
                if row[i] >= self.thresholds[i] and row[i] >= best * self.RELATIVE
            ]
            found.append(chosen)
        return found


def agreement(*, agreed: int, suggested: int, decided: int) -> dict[str, float | None]:
    """Precision, recall and F1 of suggestions against people's decisions: `agreed` suggestions people
    confirmed, out of the `suggested` ones they decided on, and out of the `decided` (confirmed) ones in all.
    None where there is nothing yet to divide by."""
    precision = agreed / suggested if suggested else None
    recall = agreed / decided if decided else None
    if precision is None or recall is None:
        return {"precision": precision, "recall": recall, "f1": None}
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


# --- near-identical responses ------------------------------------------------------------------------------------

MINHASH_PERMUTATIONS = 64
SHINGLE_WORDS = 3


def shingles(text: str, size: int = SHINGLE_WORDS) -> list[bytes]:
    words = normalise(text).split()
    if len(words) < size:
        return [" ".join(words).encode()] if words else []
    return sorted({" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)})


def near_duplicate_groups(
    texts: Iterable[tuple[int, str]],
    *,
    threshold: float = 0.5,
    min_words: int = 8,
    min_ratio: float = 84.0,
) -> list[list[int]]:
    """Groups (of keys) of near-identical texts. datasketch's MinHash LSH proposes pairs whose word 3-shingles
    overlap by about `threshold` (Jaccard) or more; rapidfuzz confirms a pair only when the two normalised texts
    are at least `min_ratio` per cent alike (an edit distance ratio), so shared stock phrases do not join two
    different answers. Short texts are left out: "I agree" is not a campaign."""
    lsh = MinHashLSH(threshold=threshold, num_perm=MINHASH_PERMUTATIONS)
    normal: dict[int, str] = {}
    keys = []
    batch_keys: list[int] = []
    batch: list[list[bytes]] = []

    def flush():
        for key, signature in zip(
            batch_keys, MinHash.bulk(batch, num_perm=MINHASH_PERMUTATIONS, seed=SEED), strict=True
        ):
            lsh.insert(key, signature, check_duplication=False)
            signatures[key] = signature
        batch_keys.clear()
        batch.clear()

    signatures: dict[int, MinHash] = {}
    for key, text in texts:
        words = normalise(text)
        if len(words.split()) < min_words:
            continue
        normal[key] = words
        keys.append(key)
        batch_keys.append(key)
        batch.append(shingles(words))
        if len(batch) >= 2000:
            flush()
    flush()
    parent = {key: key for key in keys}

    def find(key: int) -> int:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for key in sorted(keys):
        for other in sorted(lsh.query(signatures[key])):
            if other <= key or find(other) == find(key):
                continue
            if fuzz.ratio(normal[key], normal[other]) >= min_ratio:
                parent[find(other)] = find(key)
    groups: dict[int, list[int]] = {}
    for key in keys:
        groups.setdefault(find(key), []).append(key)
    return sorted(
        (sorted(members) for members in groups.values() if len(members) > 1), key=lambda g: (-len(g), g[0])
    )
