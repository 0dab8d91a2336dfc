"""Read a ``--trace`` file back and measure how calm and responsive the eyes were.

``python -m live.analysis TRACE.jsonl [--after S]`` prints a one-line summary:
frames, index range, index changes per second, direction changes, whether the index rose
(or fell) monotonically while a viewer was followed, and the last index.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Iterable

from live.trace import read_trace


def index_changes(indices: list[int]) -> int:
    """How many times consecutive indices differ."""
    return sum(1 for a, b in zip(indices, indices[1:]) if a != b)


def direction_changes(indices: list[int]) -> int:
    """How many times the index reverses direction (up then down, or down then up)."""
    last_sign, count = 0, 0
    for a, b in zip(indices, indices[1:]):
        if b == a:
            continue
        sign = 1 if b > a else -1
        if last_sign and sign != last_sign:
            count += 1
        last_sign = sign
    return count


def is_monotonic(indices: list[int]) -> bool:
    """Never decreasing, or never increasing."""
    up = all(b >= a for a, b in zip(indices, indices[1:]))
    down = all(b <= a for a, b in zip(indices, indices[1:]))
    return up or down


def followed_indices(recs: list[dict[str, Any]], settle_s: float = 0.3) -> list[int]:
    """Indices while a viewer is followed (engaged or holding), skipping the first ``settle_s``
    seconds of each engagement: the eyes' initial turn toward a new viewer."""
    out: list[int] = []
    start = None
    for r in recs:
        if r.get("state") in ("engaged", "holding"):
            start = r["t"] if start is None else start
            if r["t"] - start >= settle_s:
                out.append(r["index"])
        else:
            start = None
    return out


def summarize(records: Iterable[dict[str, Any]], after: float = 0.0) -> dict[str, Any]:
    """Summary of the records with ``t >= after``."""
    recs = [r for r in records if r["t"] >= after]
    if not recs:
        return {"frames": 0}
    idx = [r["index"] for r in recs]
    engaged = followed_indices(recs)
    span = max(1e-9, recs[-1]["t"] - recs[0]["t"])
    lat = sorted(r["latency_ms"] for r in recs)
    return {
        "frames": len(recs),
        "seconds": round(span, 2),
        "index_min": min(idx), "index_max": max(idx), "index_last": idx[-1],
        "index_changes": index_changes(idx),
        "changes_per_s": round(index_changes(idx) / span, 3),
        "direction_changes": direction_changes(idx),
        "monotonic_while_followed": is_monotonic(engaged) if engaged else None,
        "viewers": len({r["viewer"] for r in recs if r.get("viewer") is not None}),
        "latency_ms_p50": round(lat[len(lat) // 2], 2),
        "latency_ms_p95": round(lat[min(len(lat) - 1, int(0.95 * len(lat)))], 2),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m live.analysis", description=__doc__.split("\n\n")[0])
    p.add_argument("trace")
    p.add_argument("--after", type=float, default=0.0, help="ignore records before this time (s)")
    args = p.parse_args(argv)
    try:
        print(json.dumps(summarize(read_trace(args.trace), args.after)))
    except (OSError, json.JSONDecodeError, KeyError) as err:
        print(f"live.analysis: error: {args.trace}: not a readable trace ({err})", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
