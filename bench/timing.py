"""Timing a page the way the bench scripts report it: warm, several runs, median, p95 and worst."""

import statistics
import time


def time_page(client, url: str, runs: int) -> tuple[float, float, float]:
    """GET `url` `runs` times (after one warm-up) and return the median, p95 and slowest, in ms.
    Every answer must be a 200."""
    client.get(url)  # warm-up: connection, template cache
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    timings.sort()
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
    return statistics.median(timings), p95, timings[-1]
