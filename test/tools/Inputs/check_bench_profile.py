"""Checks the output of `shodh-run bench --profile` (read from stdin).

The per-call table must list every call of the program exactly once, sorted
by time (descending), with percentages summing to 100; the per-kernel table
must hold, per kernel name, the call count and the sum of the per-call
times; the JSON line must carry positive resident-set figures with the peak
at least the figure after prepare. Usage: check_bench_profile.py < output
"""
import json
import re
import sys


def main():
    lines = sys.stdin.read().splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith("profile of "))
    calls = int(re.search(r" in (\d+) calls ", lines[start])[1])
    rows = []
    for line in lines[start + 2:start + 2 + calls]:
        m = re.match(r"\s+#(\d+)\s+(\S+)\s+(.*?)\s+([0-9.]+)\s+([0-9.]+)$", line)
        assert m, f"bad row: {line!r}"
        rows.append((int(m[1]), m[2], float(m[4]), float(m[5])))
    assert sorted(r[0] for r in rows) == list(range(calls)), rows
    times = [r[2] for r in rows]
    assert times == sorted(times, reverse=True), times
    assert abs(sum(r[3] for r in rows) - 100.0) <= 0.05 * calls + 1e-6, rows
    assert lines[start + 2 + calls] == "by kernel:", lines[start + 2 + calls]
    expected = {}
    for _, kernel, ms, _ in rows:
        count, total = expected.get(kernel, (0, 0.0))
        expected[kernel] = (count + 1, total + ms)
    first = start + 4 + calls
    for line in lines[first:first + len(expected)]:
        kernel, count, ms, _ = line.split()
        want = expected.pop(kernel)
        assert int(count) == want[0], (line, want)
        # Each per-call figure is rounded to 1e-4 ms.
        assert abs(float(ms) - want[1]) <= 1e-4 * (want[0] + 1), (line, want)
    assert not expected, expected
    record = json.loads(lines[-1])
    assert record["rss_after_prepare_kib"] > 0, record
    assert record["peak_rss_kib"] >= record["rss_after_prepare_kib"], record
    print(f"profile ok: {calls} calls, {len(rows)} rows")


if __name__ == "__main__":
    main()
