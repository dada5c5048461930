"""Benchmark: page re-runs and the briefing pack before and after a change, in one run.

    git worktree add /tmp/before 13ea258      # the commit before the figures layer
    python bench/bench_layer.py --before /tmp/before [--rounds 3] [--runs 6]
    git worktree remove /tmp/before

Both checkouts are timed on the same machine in the same run, alternately (before, after,
before, after ...), so that the load other jobs put on the machine falls on both alike. Each
checkout gets its own demo database built by its own generator (same seed, so the same
children; the later versions add disclosure keys), then:

- page re-runs: bench/bench_pages.py's measurement (AppTest, the whole dashboard script re-run
  after a filter change that misses the query cache: one to three districts, and for a
  senior leader one district and one need, not used before), for each page a senior leader
  and a QA officer see, as each role. The changes are drawn from every district (and
  every district with every need) in an order fixed by a seed, the same for both checkouts:
  a senior leader's figures also count their wider filters (one district, one need), and
  changes within one district would find its tables already counted;
- the pack: each checkout's own bench/bench_briefing.py (figures, charts, PDF).

Each measurement runs in a fresh Python process inside its checkout (two versions of the same
modules cannot share one). A run that ends in an error (13ea258's Trends page fails for a
senior leader whose every count is hidden) is not timed; the failures are counted and printed.
Prints each round's medians, then after/before: the ratio of the medians over the rounds,
and the median of the rounds' own ratios. A script, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

NOW = Path(__file__).resolve().parent.parent
PAGES = ["overview", "breakdowns", "crosstab", "trends", "map", "data_quality"]
ROLES = ["Senior leader", "QA officer"]

# Run inside a checkout (its folder first on sys.path): bench_pages.py's script-run timing.
WORKER = r"""
import itertools, json, os, random, statistics, sys, time
root, db, role, pages, runs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
sys.path.insert(0, root)
os.chdir(root)
os.environ["OOS_DB"] = db
from streamlit.testing.v1 import AppTest
from core import vocab
# every district with every need (one district's pairs alone share its wider tables), in an
# order fixed by a seed, so that both checkouts are timed on the same filter changes
pairs = list(itertools.product(vocab.DISTRICT_VALUES, vocab.NEED_CODES + [vocab.NOT_RECORDED]))
singles = [list(c) for k in (1, 2, 3) for c in itertools.combinations(vocab.DISTRICT_NAMES, k)]
random.Random(18).shuffle(pairs)
random.Random(18).shuffle(singles)
wanted = len(pages.split(",")) * (runs + 1)
if wanted > min(len(pairs), len(singles)):  # a change seen before would find its tables
    raise SystemExit(f"--runs {runs}: more changes ({wanted}) than filters never used before")
pairs, singles = iter(pairs), iter(singles)
def change(at):
    if role == "Senior leader":
        district, need = next(pairs)
        at.multiselect(key="district").set_value([district])
        at.multiselect(key="need").set_value([need])
    else:
        at.multiselect(key="district").set_value(next(singles))
    return at
at = AppTest.from_file(os.path.join(root, "dashboard.py"), default_timeout=180)
at.query_params["role"] = role
at.run()
out = {}
for page in pages.split(","):
    if page != "overview":
        at.switch_page(f"pages/{page}.py")
        at.run()
    change(at).run()  # warm-up: the page's imports and first use
    times, failed = [], 0
    while len(times) < runs:
        change(at)
        start = time.perf_counter()
        at.run()
        if at.exception:  # a run that failed did less work: not timed (counted, said)
            failed += 1
            if failed > runs:
                raise SystemExit(f"{page}: {at.exception[0].value}")
            continue
        times.append((time.perf_counter() - start) * 1000)
    out[page] = statistics.median(times)
    if failed:
        out[page + " failed runs"] = failed
print("RESULT " + json.dumps(out))
"""


def _run(args: list[str], cwd: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    env.pop("OOS_SINGLE_USER", None)
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{' '.join(args[:3])} in {cwd} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def build(root: Path, db: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from data.generate import build_demo_database;"
        " build_demo_database(Path(sys.argv[1]))"
    )
    _run([sys.executable, "-c", code, str(db)], root)


def pages(root: Path, db: Path, role: str, runs: int) -> dict[str, float]:
    out = _run([sys.executable, "-c", WORKER, str(root), str(db), role, ",".join(PAGES),
                str(runs)], root)  # fmt: skip
    return json.loads(out.split("RESULT ", 1)[1])


def pack(root: Path, db: Path) -> dict[str, float]:
    """The pack: its figures from the first run (later runs find them in the figures layer's
    cache, so only the first is comparable), charts and PDF from the second (kaleido already
    started, as in the server), and their sum."""
    out = _run([sys.executable, "bench/bench_briefing.py", "--db", str(db), "--repeats", "2"],
               root)  # fmt: skip
    runs = {line[:5]: line for line in out.splitlines() if line.startswith("run ")}

    def seconds(run: str, part: str) -> float:
        return float(re.search(part + r"\s+([\d.]+) s", runs[run]).group(1)) * 1000

    figures = seconds("run 1", "figures")
    drawn = seconds("run 2", "html\\+charts") + seconds("run 2", "pdf")
    return {"pack figures": figures, "pack charts and PDF": drawn, "pack": figures + drawn}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="the earlier checkout")
    parser.add_argument("--after", type=Path, default=NOW, help="the later (default: this one)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--runs", type=int, default=25, help="filter changes timed per page (at most 31)"
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-layer-"))
    versions = {"before": args.before.resolve(), "after": args.after.resolve()}
    dbs = {}
    for name, root in versions.items():
        dbs[name] = folder / f"{name}.duckdb"
        build(root, dbs[name])
        print(f"built {name}'s demo database ({root})", flush=True)
    results: dict[str, dict[str, list[float]]] = {name: {} for name in versions}
    for round_ in range(1, args.rounds + 1):
        for name, root in versions.items():
            measured = {}
            for role in ROLES:
                for page, ms in pages(root, dbs[name], role, args.runs).items():
                    if page.endswith("failed runs"):
                        print(f"  {name}: {page} ({role}): {ms}", flush=True)
                        continue
                    measured[f"{page} ({role})"] = ms
            measured.update(pack(root, dbs[name]))
            for key, ms in measured.items():
                results[name].setdefault(key, []).append(ms)
            print(
                f"round {round_} {name:6s} "
                + "  ".join(f"{k} {v:.0f}" for k, v in measured.items()),
                flush=True,
            )
    # two summaries: the ratio of the medians over the rounds, and the median of each round's
    # own ratio (before and after of one round ran minutes apart, so a round that the
    # machine's other work slowed down counts once, not in one checkout's median only)
    print(f"\nmedian over {args.rounds} rounds (ms), after / before, and the median of the rounds'"
          " own after / before:")  # fmt: skip
    for key in results["after"]:
        before, after = results["before"][key], results["after"][key]
        paired = statistics.median(a / b for a, b in zip(after, before, strict=True))
        print(
            f"  {key:32s} before {statistics.median(before):7.0f}  after "
            f"{statistics.median(after):7.0f}  ratio "
            f"{statistics.median(after) / statistics.median(before):5.2f}  by round {paired:5.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
