"""Prints how fast and how heavy the rapid-response page and API are. Measures, never asserts.

Run: pytest tests/rapidresponse/test_benchmark.py -m slow -s
"""

import gzip
import statistics
import time

import pytest
from django.core.cache import cache

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

RUNS = 15


@pytest.mark.parametrize(
    "url",
    [
        "/rapid-response/tx/",
        "/rapid-response/ok/",
        "/rapid-response/",
        "/api/v1/rapid-response?state=CA",
    ],
)
def test_print_render_time_and_size(client, real_data, capsys, url):
    times = []
    for _ in range(RUNS):
        cache.clear()
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    body = response.content
    with capsys.disabled():
        print(
            f"\n{url}: uncached median {statistics.median(times):.1f} ms over {RUNS} runs, "
            f"{len(body)} bytes ({len(gzip.compress(body))} gzipped)"
        )
    assert response.status_code == 200
