#!/usr/bin/python3
"""Runs the PyTorch baselines over every combination and writes one JSON line per run.

Combinations: baseline (tutorial, fast) x BLAS (reference, openblas) x threads (1, 2) x arch (mlp,
cnn-3x3, cnn-5x5), each a fresh /usr/bin/python3 process (BLAS and thread pools are chosen at load
time). OpenBLAS is loaded per process from the unpacked .deb in benchmarks/.deps (setup.sh) through
LD_LIBRARY_PATH; the record's `blas` field says what the process really loaded.

    /usr/bin/python3 benchmarks/pytorch/run_baselines.py                 # full grid, 200-step slices
    /usr/bin/python3 benchmarks/pytorch/run_baselines.py --smoke         # seconds: CI check
    /usr/bin/python3 benchmarks/pytorch/run_baselines.py --summarise F.. # table of earlier runs
"""

import argparse
import datetime
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
OPENBLAS_DIR = os.path.join(REPO_ROOT, "benchmarks", ".deps", "root", "usr", "lib", "x86_64-linux-gnu", "openblas-pthread")
SCRIPTS = {"tutorial": os.path.join(HERE, "tutorial.py"), "fast": os.path.join(HERE, "fast.py")}
ARCHS = ("mlp", "cnn-3x3", "cnn-5x5")

# Keys (and types) every record must have; the C# harness relies on them (README.md, "JSON schema").
REQUIRED = {
    "schema": str, "baseline": str, "arch": str, "blas": str, "blas_requested": str, "variant": str,
    "threads": int, "batch_size": int, "steps_per_epoch": int, "mode": str,
    "train_epoch_seconds": float, "eval_seconds": float, "eval_batch_size": int,
    "predict_p50_us": float, "predict_p90_us": float, "predict_calls": int, "peak_rss_mb": float,
    "torch_version": str, "date": str,
}


def csv(kind, allowed=None):
    def parse(text):
        items = [kind(t) for t in text.split(",") if t]
        if allowed:
            bad = [i for i in items if i not in allowed]
            if bad:
                raise argparse.ArgumentTypeError(f"{bad} not in {sorted(allowed)}")
        return items
    return parse


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--archs", type=csv(str, ARCHS), default=list(ARCHS))
    p.add_argument("--baselines", type=csv(str, SCRIPTS), default=list(SCRIPTS))
    p.add_argument("--blas", type=csv(str, {"reference", "openblas"}), default=["reference", "openblas"])
    p.add_argument("--threads", type=csv(int), default=[1, 2])
    p.add_argument("--steps", type=int, default=200, help="steps per timed slice (default 200)")
    p.add_argument("--repeats", type=int, default=3, help="slices per run, median taken (default 3)")
    p.add_argument("--predict-calls", type=int, default=1000)
    p.add_argument("--omp-wait-policy", choices=("default", "PASSIVE", "ACTIVE"), default="default",
                   help="OMP_WAIT_POLICY for the children (default: unset, as a user has it)")
    p.add_argument("--fast-args", default="", help="extra arguments for fast.py, e.g. '--no-channels-last'")
    p.add_argument("--variant", default="", help="name for this configuration in the records (default: derived)")
    p.add_argument("--max-load", type=float, help="before each run, wait (up to --max-wait s) until the 1-minute load average is below this")
    p.add_argument("--max-wait", type=float, default=120.0)
    p.add_argument("--out", help="JSON lines file to append to (default benchmarks/pytorch/results/<UTC date>.jsonl)")
    p.add_argument("--smoke", action="store_true", help="seconds-long check: both baselines, mlp, 1 thread, 20 steps")
    p.add_argument("--dry-run", action="store_true", help="print the commands only")
    p.add_argument("--summarise", metavar="FILE", nargs="+", help="print the summary table of existing JSON lines files and exit")
    args = p.parse_args()
    if args.smoke:
        args.archs, args.threads, args.steps, args.repeats, args.predict_calls = ["mlp"], [1], 20, 1, 100
        args.blas = [b for b in args.blas if b != "openblas" or os.path.isdir(OPENBLAS_DIR)]
    return args


def child_env(blas, omp_wait_policy):
    env = dict(os.environ)
    paths = [p for p in env.get("LD_LIBRARY_PATH", "").split(":") if p and "openblas" not in p]
    if blas == "openblas":
        paths.insert(0, OPENBLAS_DIR)
    env["LD_LIBRARY_PATH"] = ":".join(paths)
    if not env["LD_LIBRARY_PATH"]:
        del env["LD_LIBRARY_PATH"]
    env.pop("OMP_WAIT_POLICY", None)
    if omp_wait_policy != "default":
        env["OMP_WAIT_POLICY"] = omp_wait_policy
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def wait_for_quiet(max_load, max_wait):
    """Sleeps while the box is busier than max_load (other people's builds), at most max_wait seconds."""
    if max_load is None:
        return 0.0
    t0 = time.monotonic()
    while os.getloadavg()[0] > max_load and time.monotonic() - t0 < max_wait:
        time.sleep(5)
    return round(time.monotonic() - t0, 1)


def check_record(rec):
    problems = [f"{k} missing or not {t.__name__}" for k, t in REQUIRED.items()
                if not isinstance(rec.get(k), t) or isinstance(rec.get(k), bool)]
    if rec.get("blas") != rec.get("blas_requested"):
        problems.append(f"asked for {rec.get('blas_requested')} BLAS but the process loaded {rec.get('blas')}")
    return problems


def summarise(records):
    """Markdown table per arch: one row per configuration (runs of the same configuration are folded
    into their median, `runs` says how many), then the peer to beat: the fastest configuration."""
    def med(rows, key):
        values = [r[key] for r in rows if r.get(key) is not None]
        return statistics.median(values) if values else None

    def fmt(v, digits=2):
        return "" if v is None else f"{v:.{digits}f}"

    lines = []
    for arch in ARCHS:
        groups = {}
        for r in records:
            if r.get("arch") == arch:
                groups.setdefault((r["baseline"], r["variant"], r["blas"], r["threads"]), []).append(r)
        if not groups:
            continue
        lines.append(f"\n{arch}:\n")
        lines.append("| baseline | variant | BLAS | threads | runs | s/epoch (median) | s/epoch (best slice) | CPU s/epoch "
                     "| eval 10k s (batch) | predict p50 / p90 us | peak RSS MB | load |")
        lines.append("|---|---|---|---|---|---|---|---|---|---|---|---|")
        summary = []
        for key in sorted(groups, key=lambda k: (k[0] != "tutorial", k[1], k[2], k[3])):
            rows = groups[key]
            epoch = med(rows, "train_epoch_seconds")
            summary.append((epoch, key))
            batches = sorted({r["eval_batch_size"] for r in rows})
            loads = [r.get("loadavg_start", 0) for r in rows] + [r.get("loadavg_end", 0) for r in rows]
            lines.append(f"| {key[0]} | {key[1]} | {key[2]} | {key[3]} | {len(rows)} | {fmt(epoch)} | "
                         f"{fmt(min(r['train_epoch_seconds_min'] for r in rows))} | {fmt(med(rows, 'train_epoch_cpu_seconds'))} | "
                         f"{fmt(med(rows, 'eval_seconds'))} ({'/'.join(map(str, batches))}) | "
                         f"{fmt(med(rows, 'predict_p50_us'), 0)} / {fmt(med(rows, 'predict_p90_us'), 0)} | "
                         f"{fmt(max(r['peak_rss_mb'] for r in rows), 0)} | {min(loads):.1f}-{max(loads):.1f} |")
        epoch, key = min(summary)
        lines.append(f"\npeer to beat for {arch}: {key[1]}, {key[2]}, {key[3]} thread(s): {epoch:.2f} s/epoch")
    return "\n".join(lines)


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main():
    args = parse_args()
    if args.summarise:
        print(summarise([r for path in args.summarise for r in read_jsonl(path)]))
        return 0
    if "openblas" in args.blas and not os.path.isdir(OPENBLAS_DIR):
        print(f"error: {OPENBLAS_DIR} is missing; run benchmarks/pytorch/setup.sh to unpack OpenBLAS.", file=sys.stderr)
        return 2

    out = args.out
    if out is None and not args.smoke:
        os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
        out = os.path.join(HERE, "results", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d") + ".jsonl")

    records, failures = [], []
    combos = list(itertools.product(args.archs, args.threads, args.blas, args.baselines))
    with tempfile.TemporaryDirectory(prefix="mnistgen-baselines-") as tmp:
        for i, (arch, threads, blas, baseline) in enumerate(combos, 1):
            extra = args.fast_args.split() if baseline == "fast" else []
            variant = args.variant or " ".join(
                [baseline] + extra + ([f"OMP_WAIT_POLICY={args.omp_wait_policy}"] if args.omp_wait_policy != "default" else []))
            part = os.path.join(tmp, f"{i}.jsonl")
            cmd = ["/usr/bin/python3", SCRIPTS[baseline], "--arch", arch, "--threads", str(threads),
                   "--steps", str(args.steps), "--repeats", str(args.repeats),
                   "--predict-calls", str(args.predict_calls), "--json", part] + extra
            if args.smoke:
                cmd += ["--warmup", "2"]
            print(f"[{i}/{len(combos)}] {arch} {baseline} {blas} {threads}t: {' '.join(cmd[1:])}", file=sys.stderr, flush=True)
            if args.dry_run:
                continue
            waited = wait_for_quiet(args.max_load, args.max_wait)
            proc = subprocess.run(cmd, env=child_env(blas, args.omp_wait_policy), stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True, timeout=1800)
            if proc.returncode != 0 or not os.path.exists(part):
                failures.append(f"{arch} {baseline} {blas} {threads}t exited {proc.returncode}: {proc.stderr.strip()[-500:]}")
                print(f"  FAILED: {failures[-1]}", file=sys.stderr)
                continue
            rec = read_jsonl(part)[-1]
            rec["blas_requested"] = blas
            rec["variant"] = variant
            rec["waited_for_load_seconds"] = waited
            problems = check_record(rec)
            if problems:
                failures.append(f"{arch} {baseline} {blas} {threads}t: {'; '.join(problems)}")
                print(f"  BAD RECORD: {failures[-1]}", file=sys.stderr)
            print(f"  {proc.stderr.strip().splitlines()[-1]}", file=sys.stderr, flush=True)
            records.append(rec)
            if out:
                with open(out, "a", encoding="utf-8") as f:
                    f.write(json.dumps(rec) + "\n")

    if records:
        print(summarise(records))
    if out and records:
        print(f"\n{len(records)} records appended to {os.path.relpath(out)}", file=sys.stderr)
    if args.smoke and not args.dry_run:
        print(f"smoke: {len(combos) - len(failures)} of {len(combos)} baseline runs ok", file=sys.stderr)
    for f in failures:
        print(f"failed: {f}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
