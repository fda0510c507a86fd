"""cms/pageshell.py: a kept page is cut only at its own markers, and never kept when a marker was changed."""

from cms import generations, pageshell
from cms.generations import LocalMemo
from cms.pageshell import CSRF, NONCE, _marker, _split


def test_a_page_is_cut_at_each_marker_in_order():
    page = f'<p>{_marker("reference")}</p><input value="{_marker(CSRF)}"><b>{_marker("reference")}</b>'
    pieces = _split(page, ["reference", CSRF, NONCE])
    assert pieces == ("<p>", ("reference",), '</p><input value="', (CSRF,), '"><b>', ("reference",), "</b>")


def test_a_page_whose_fill_is_missing_or_changed_is_not_kept():
    # A template that filtered the value (|upper, |urlencode, |truncatechars) would keep a changed marker, and the
    # person's value would be missing: such a page is rendered for each person instead.
    assert _split("<p>no reference here</p>", ["reference", CSRF, NONCE]) is None
    assert _split(f"<p>{_marker('reference').upper()}</p>", ["reference", CSRF, NONCE]) is None
    assert _split(f"<p>{_marker('reference')[:12]}…</p>", ["reference", CSRF, NONCE]) is None


def test_a_page_without_a_form_or_script_needs_no_token_or_nonce():
    assert _split("<p>plain</p>", [CSRF, NONCE]) == ("<p>plain</p>",)


def test_markers_are_random_per_process_so_no_one_can_write_one():
    assert len(pageshell._MARK) == 16 and _marker("x") == f"{pageshell._MARK}:x:{pageshell._MARK}"


def test_the_kept_pages_are_bounded():
    pages = LocalMemo(2)
    for index in range(3):
        pages.put((index,), ("page",))
    assert len(pages) == 2 and pages.get((0,)) is None and pages.get((2,)) == ("page",)


def test_a_kept_page_is_forgotten_after_its_time(monkeypatch):
    pages = LocalMemo(4, max_age=60)
    now = [1000.0]
    monkeypatch.setattr(generations.time, "monotonic", lambda: now[0])
    pages.put(("page",), ("kept",))
    now[0] += 59
    assert pages.get(("page",)) == ("kept",)
    now[0] += 2
    assert pages.get(("page",)) is None
