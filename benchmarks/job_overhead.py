"""Per-job overhead of a Hydra multirun: from one job's end to the next job's first training step.

    python benchmarks/job_overhead.py                      # 4 jobs: seed=0,1,2,3
    python benchmarks/job_overhead.py --threads 1          # + threads=1 (a shared CPU)
    python benchmarks/job_overhead.py --jobs 6 -- model=rnn

Method: the script starts one real multirun of train.py in a child process,
    train.py -m trainer=fast logger=none checkpoint=false seed=0,...,jobs-1 [extra overrides]
so Hydra composes, checks (the project's checked sweeper) and launches the jobs one after the
other in that process (the basic launcher), exactly as on the command line. The child is this
file run with --child: before it executes train.py as __main__ it wraps four functions to
record time.perf_counter() (one clock, one process) in an events file:
  - run(), as train.py's job calls it (imbalance_lab.cli.job.run): a job's start and end (end =
    metrics.json written, run() returns);
  - ImbalanceClassifier.on_train_batch_start: a job's first training step (its batch 0);
  - ImbalanceClassifier.on_test_end: the end of a job's test pass (what follows it in run()
    is post-processing: the confusion-matrix figure, metrics.json);
  - imbalance_lab.data.idx._read_bytes: every MNIST file actually read (and
    load_split.cache_info()).
gap k = first training step of job k+1 - end of job k; it holds Hydra's work between the jobs
(composing the next job's config, its folder, logging) and run()'s set-up (config check, data
split, Trainer and module construction). The wrappers only take time stamps; no timed code is
replaced.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_GAP_S = 1.0  # the bound on CPU


def child(events_path: str, overrides: list[str]) -> None:
    """Runs train.py -m with overrides in this process, writing timing events as JSON lines."""
    started = time.perf_counter()
    events = open(events_path, "a", buffering=1)  # noqa: SIM115 (open for the whole process)

    def record(kind: str, **fields) -> None:
        events.write(json.dumps({"kind": kind, "t": time.perf_counter(), **fields}) + "\n")

    record("process_start", t0=started)
    import runpy

    from imbalance_lab.cli import job
    from imbalance_lab.data import idx
    from imbalance_lab.training.module import ImbalanceClassifier

    original_run, original_read = job.run, idx._read_bytes
    original_hook = ImbalanceClassifier.on_train_batch_start
    original_test_end = ImbalanceClassifier.on_test_end

    def timed_run(cfg, output_dir, *args, **kwargs):
        record("run_start", seed=int(cfg.seed))
        try:
            return original_run(cfg, output_dir, *args, **kwargs)
        finally:
            record("run_end", seed=int(cfg.seed))

    def first_step_hook(self, batch, batch_idx):
        if not getattr(self, "_overhead_first_step", False):
            self._overhead_first_step = True
            record("first_step")
        return original_hook(self, batch, batch_idx)

    def test_end_hook(self):
        record("test_end")
        return original_test_end(self)

    def counted_read(root, name):
        record("file_read", name=name)
        return original_read(root, name)

    job.run = timed_run  # train.py's job calls run() through this name
    idx._read_bytes = counted_read
    ImbalanceClassifier.on_train_batch_start = first_step_hook
    ImbalanceClassifier.on_test_end = test_end_hook
    sys.argv = ["train.py", "-m", *overrides]
    try:
        runpy.run_path(str(ROOT / "train.py"), run_name="__main__")
    except SystemExit as stop:  # train.py exits 2 on a bad config
        if stop.code:
            raise
    info = idx.load_split.cache_info()
    record("done", cache_hits=info.hits, cache_misses=info.misses)
    events.close()


def analyse(events: list[dict], jobs: int) -> dict:
    """Returns per-job times and the gaps between jobs from the child's events."""
    runs, job = [], None
    for event in events:
        if event["kind"] == "run_start":
            job = {"seed": event["seed"], "start": event["t"]}
            runs.append(job)
        elif event["kind"] == "first_step" and job is not None:
            job.setdefault("first_step", event["t"])
        elif event["kind"] == "test_end" and job is not None:
            job["test_end"] = event["t"]  # the last test pass of the job
        elif event["kind"] == "run_end":
            job["end"] = event["t"]
    if len(runs) != jobs or any(not {"first_step", "test_end", "end"} <= set(r) for r in runs):
        raise SystemExit(f"expected {jobs} complete jobs in the events, found {runs}")
    process_start = next(e["t0"] for e in events if e["kind"] == "process_start")
    done = next(e for e in events if e["kind"] == "done")
    return {
        "runs": runs,
        "gaps": [b["first_step"] - a["end"] for a, b in pairwise(runs)],
        "hydra_between": [b["start"] - a["end"] for a, b in pairwise(runs)],
        "first_job_from_process_start": runs[0]["first_step"] - process_start,
        "file_reads": [e["name"] for e in events if e["kind"] == "file_read"],
        "cache": (done["cache_hits"], done["cache_misses"]),
    }


def report(result: dict, overrides: list[str], wall_s: float) -> None:
    runs, gaps = result["runs"], result["gaps"]
    print(f"multirun: python train.py -m {' '.join(overrides)}")
    print(f"{len(runs)} jobs in one process, {wall_s:.1f} s wall in all (process start to exit)")
    print(
        f"process start -> first job's first training step: "
        f"{result['first_job_from_process_start']:.2f} s (imports, sweep check, data read)"
    )
    print(
        f"\n{'job':>3} {'seed':>4} {'run() start -> step 1':>22} {'step 1 -> test end':>19} "
        f"{'test end -> run() end':>22}"
    )
    for number, r in enumerate(runs):
        setup, work = r["first_step"] - r["start"], r["test_end"] - r["first_step"]
        tail = r["end"] - r["test_end"]
        print(f"{number:>3} {r['seed']:>4} {setup:>20.3f} s {work:>17.3f} s {tail:>20.3f} s")
    print("\ngap = job k's end (run() returns) -> job k+1's first training step")
    for number, (gap, hydra_s) in enumerate(zip(gaps, result["hydra_between"], strict=True)):
        print(
            f"  job {number} -> {number + 1}: {gap:.3f} s "
            f"(Hydra between jobs {hydra_s:.3f} s, run() set-up {gap - hydra_s:.3f} s)"
        )
    mean, worst = sum(gaps) / len(gaps), max(gaps)
    verdict = "met" if worst <= TARGET_GAP_S else "NOT met"
    print(f"mean {mean:.3f} s, max {worst:.3f} s (target <= {TARGET_GAP_S:g} s on CPU: {verdict})")
    reads = result["file_reads"]
    hits, misses = result["cache"]
    print(
        f"\nMNIST files read in the process: {len(reads)} ({', '.join(reads)}); "
        f"load_split cache: {misses} misses, {hits} hits over {len(runs)} jobs -> "
        f"read and checked once per process: {'yes' if misses <= 2 and len(reads) <= 4 else 'NO'}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=4, help="jobs in the multirun (seeds 0..)")
    parser.add_argument(
        "--threads",
        type=int,
        help="torch threads per job, as the override threads=N (default: torch's own); 1 on a "
        "shared machine, where 2 threads stall for seconds at OpenMP barriers when another "
        "process holds a core",
    )
    parser.add_argument("--child", metavar="EVENTS", help=argparse.SUPPRESS)
    parser.add_argument("overrides", nargs="*", help="extra Hydra overrides, after --")
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.overrides)
        return
    if args.jobs < 2:
        parser.error("--jobs must be >= 2: a gap needs two jobs")
    load = os.getloadavg()[0]  # timings on a CPU shared with other processes are noisy
    with tempfile.TemporaryDirectory(prefix="job-overhead-") as folder:
        overrides = [
            "trainer=fast",
            "logger=none",
            "checkpoint=false",
            f"seed={','.join(str(s) for s in range(args.jobs))}",
            *([f"threads={args.threads}"] if args.threads else []),
            *args.overrides,
        ]
        events_path = Path(folder) / "events.jsonl"
        command = [sys.executable, __file__, "--child", str(events_path), "--", *overrides]
        # The sweep folder goes to the temporary folder, not the project's outputs/.
        command.append(f"hydra.sweep.dir={folder}/sweep")
        started = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        wall_s = time.perf_counter() - started
        if done.returncode:
            sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
            raise SystemExit(f"the multirun failed with exit status {done.returncode}")
        events = [json.loads(line) for line in events_path.read_text().splitlines()]
    print(f"load average at start: {load:.1f} on {os.cpu_count()} CPUs")
    report(analyse(events, args.jobs), overrides, wall_s)


if __name__ == "__main__":
    main()
