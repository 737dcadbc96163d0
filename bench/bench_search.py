"""Search-as-you-type over ~160,000 persons: the service per keystroke vs raw SQLite FTS5.

Each sequence is something a clerk types one character at a time: a name, a NIK or KK from the
card, a street plus the start of a name. For every keystroke the service does what the Registri
tab does: `RegistryService.person_ids(filter)` and the first page of rows (`person_rows`, 100
rows, the lazy model's page). The baseline is the same trigram query in plain sqlite3 on the
same file in the same run (terms of 3+ characters through FTS5 MATCH, shorter ones with LIKE on
the indexed text), fetching every matching rowid.

    python -m bench.bench_search [--passes 3] [--json OUT]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import re
import sqlite3
import time
from pathlib import Path

from bench.common import CACHE_DIR, city_db, summary_ms

PAGE = 100  # the registry table model's page size
TARGET_P95_MS = 10.0


def sequences(path: Path, seed: int = 11) -> list[str]:
    """What clerks type, drawn from the database itself (synthetic demo data)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        total = conn.execute("SELECT max(rowid) FROM person").fetchone()[0]
        rng = random.Random(seed)

        def person(rowid: int) -> tuple[str, str, str, str]:
            row = conn.execute(
                "SELECT p.name, p.nik, h.kk_number, p.street FROM person p"
                " LEFT JOIN household h ON h.id = p.household_id WHERE p.rowid = ?",
                (rowid,),
            ).fetchone()
            return row

        picks = [person(rng.randint(1, total)) for _ in range(32)]
    finally:
        conn.close()
    typed: list[str] = []
    typed += [name.lower() for name, _, _, _ in picks[:16]]  # names, as typed
    typed += [nik for _, nik, _, _ in picks[16:24]]  # NIK from the KTP, from the start
    typed += [kk for _, _, kk, _ in picks[24:28]]  # KK number from the card
    for name, _, _, street in picks[28:32]:  # "kenanga siti": street word, then a name
        word = re.sub(r"^(Jl\.|Gg\.)\s*", "", street).split(" No.")[0].split()[0]
        typed.append(f"{word.lower()} {name.split()[0][:4].lower()}")
    return typed


def raw_terms(query: str) -> list[str]:
    return [t for t in re.sub(r"[\"'.\-]", " ", query).split() if t]


def raw_query(conn: sqlite3.Connection, query: str) -> list[int]:
    terms = raw_terms(query)
    long_terms = [t for t in terms if len(t) >= 3]
    short = [t for t in terms if len(t) < 3]
    conds, params = [], []
    if long_terms:
        conds.append("person_fts MATCH ?")
        params.append(" ".join(f'"{t}"' for t in long_terms))
    for t in short:
        conds.append("body LIKE ?")
        params.append(f"%{t}%")
    sql = "SELECT rowid FROM person_fts WHERE " + " AND ".join(conds or ["1"])
    return [r[0] for r in conn.execute(sql, params)]


def run(passes: int) -> dict:
    from desktop_app.services import registry as registry_module
    from desktop_app.services.context import open_app
    from desktop_app.services.registry import PersonFilter, RegistryService

    path = city_db()
    typed = sequences(path)
    keystrokes = [text[:i] for text in typed for i in range(1, len(text) + 1)]
    ctx = open_app(path, read_only=True)
    reg = RegistryService(ctx)
    raw = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    has_limit = "limit" in {f.name for f in dataclasses.fields(PersonFilter)}
    limit = getattr(registry_module, "SEARCH_LIMIT", None)

    variants: dict[str, dict] = {"service": {}}
    if has_limit and limit:
        variants["service_limited"] = {"limit": limit}
    samples: dict[str, list[float]] = {name: [] for name in variants}
    samples.update({"service_ids": [], "service_rows": [], "raw_fts": []})
    short_samples: list[float] = []
    matches: list[int] = []
    try:
        for pass_no in range(passes + 1):  # pass 0 warms the page cache, untimed
            for query in keystrokes:
                for name, extra in variants.items():
                    flt = PersonFilter(query=query, **extra)
                    t0 = time.perf_counter()
                    ids = reg.person_ids(flt)
                    t1 = time.perf_counter()
                    reg.person_rows(ids[:PAGE])
                    t2 = time.perf_counter()
                    if pass_no:
                        samples[name].append((t2 - t0) * 1000)
                        if name == "service":
                            samples["service_ids"].append((t1 - t0) * 1000)
                            samples["service_rows"].append((t2 - t1) * 1000)
                            matches.append(len(ids))
                            if max(len(t) for t in raw_terms(query) or [""]) < 3:
                                short_samples.append((t2 - t0) * 1000)
                t0 = time.perf_counter()
                raw_query(raw, query)
                if pass_no:
                    samples["raw_fts"].append((time.perf_counter() - t0) * 1000)
    finally:
        raw.close()
        ctx.close()
    stats = {name: summary_ms(values) for name, values in samples.items()}
    stats["service_short_queries"] = summary_ms(short_samples)
    best = "service_limited" if "service_limited" in stats else "service"
    return {
        "database": str(path),
        "persons": _count(path),
        "sequences": len(typed),
        "keystrokes": len(keystrokes),
        "passes": passes,
        "page": PAGE,
        "limit": limit if "service_limited" in variants else None,
        "median_matches": sorted(matches)[len(matches) // 2] if matches else 0,
        "stats_ms": stats,
        "ratio_p95": stats[best]["p95"] / stats["raw_fts"]["p95"],
        "target_p95_ms": TARGET_P95_MS,
        "measured": best,
        "met": stats[best]["p95"] <= TARGET_P95_MS,
    }


def _count(path: Path) -> int:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM person").fetchone()[0]
    finally:
        conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--json", type=Path, default=CACHE_DIR / "results" / "search.json")
    args = parser.parse_args()
    result = run(args.passes)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2))
    print(
        f"search over {result['persons']} persons, {result['keystrokes']} keystrokes x "
        f"{result['passes']} passes (median {result['median_matches']} matches)"
    )
    for name, s in result["stats_ms"].items():
        print(
            f"  {name:<22} p50 {s['p50']:8.2f} ms  p95 {s['p95']:8.2f} ms  "
            f"max {s['max']:8.2f} ms  (n={s['n']})"
        )
    print(
        f"  ratio p95 {result['measured']} / raw_fts: {result['ratio_p95']:.1f}x; "
        f"target p95 <= {TARGET_P95_MS} ms: {'met' if result['met'] else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
