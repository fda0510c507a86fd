"""Scale curve: how the cost of a main list page and its export grows with the table, at 10k, 100k and 1M rows.

The incidents table is grown in steps (the same distributions as the incidents benchmark: 20 organisations, the
first twice as busy as the rest, two years of reports) and at each step a signed-in handler of the busiest
organisation fetches the case list (unfiltered, filtered, sorted, a later page) and exports the whole filtered
case list as CSV. Each figure is printed with the table's size, so the curve reads off the JSON lines.

small: 1,000 and 10,000 rows (CI); full: 10,000, 100,000 and 1,000,000 rows.
"""

from __future__ import annotations

import random
import time

from benchmarks.common import consume, emit, percentile

SIZES = {
    "small": {"steps": [1_000, 10_000], "repeat": 5},
    "full": {"steps": [10_000, 100_000, 1_000_000], "repeat": 10},
}
ORGANISATIONS = 20
QUERIES = [
    "",
    "?status=under_review",
    "?category=physical_assault&source=patient",
    "?sort=-acknowledge_by",
    "?page=3",
]


def run(*, size: str) -> None:
    from django.urls import reverse

    from benchmarks.incidents import _build_world, _signed_in_client, add_incidents
    from covenant.incidents.models import IncidentReport

    config = SIZES[size]
    rng = random.Random(2026)  # nosec B311  # reproducible test data, not security
    orgs, handler = _build_world(incidents=config["steps"][0], organisations=ORGANISATIONS, rng=rng)
    client = _signed_in_client(handler)
    url = reverse("incidents:case_list")
    previous = None
    rows = config["steps"][0]
    for step in config["steps"]:
        if step > rows:
            add_incidents(count=step - rows, org_ids=[o.pk for o in orgs], rng=rng)
            rows = step
        in_scope = IncidentReport.objects.filter(organisation=orgs[0]).count()
        for query in QUERIES:  # warm up
            assert client.get(url + query).status_code == 200  # nosec B101  # benchmark sanity check
        durations = []
        for _ in range(config["repeat"]):
            for query in QUERIES:
                start = time.perf_counter()
                response = client.get(url + query)
                durations.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200  # nosec B101  # benchmark sanity check
        p95 = percentile(durations, 95)
        emit("case list p95", p95, "ms", rows=rows, rows_in_scope=in_scope)
        start = time.perf_counter()
        response = client.get(url + "?_export=csv")
        size_bytes = consume(response)
        export_s = time.perf_counter() - start
        emit("case list CSV export", export_s, "s", rows=rows, rows_in_scope=in_scope, bytes=size_bytes)
        emit("case list CSV export rate", in_scope / export_s if export_s else 0.0, "rows/s", rows=rows)
        if previous is not None:
            # How cost grows: 1.0 would be flat; 10.0 would be linear in a tenfold bigger table.
            emit("case list p95 growth per step", p95 / previous if previous else 0.0, "ratio", rows=rows)
        previous = p95
