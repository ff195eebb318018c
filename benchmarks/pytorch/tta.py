"""Time to accuracy, the PyTorch side: trains any spec in specs/ with plain PyTorch and evaluates the
test set every K steps, with the evaluation kept off the training clock.

The model is built from the spec's YAML by a small interpreter (`build_from_spec`) for the layer kinds the
language has, so the PyTorch run is the same recipe as `mnistgen train SPEC`:
- layers, names and shapes as the spec says (PyTorch's default initialisation, which is also TorchSharp's:
  kaiming-uniform weights, uniform biases, batch norm weight 1 and bias 0);
- the spec's optimizer (sgd, adam, adamw) and its hyper-parameters, loss (cross_entropy with label_smoothing,
  nll), batch size and epochs;
- the schedule: none, or one_cycle / cosine stepped per batch (torch's OneCycleLR with cycle_momentum=False,
  because MnistGen does not cycle momentum; CosineAnnealingLR over all steps);
- augmentation as MnistGen does it: one random rotation and shift per image, applied with affine_grid and
  grid_sample (bilinear, background filled with the normalised black).
Differences: the random streams (initial weights, shuffles, dropout masks, augmentation draws) are torch's, not
MnistGen's, so single runs differ by seed noise; MNIST is read straight from the IDX files (no torchvision).

Prints one JSON line (schema mnistgen.tta/1) on stdout: [step, training seconds, test accuracy, training CPU seconds]
per evaluation.
"""

import argparse
import json
import math
import os
import sys
import time

from common import BenchError, MNIST_FILES, MNIST_MEAN, MNIST_STD, SPECS_DIR, configure_threads_from_argv, cpu_model, main_guard

SCHEMA = "mnistgen.tta/1"


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="Time to accuracy of a spec, trained with PyTorch.")
    p.add_argument("--arch", required=True, help="spec file stem in specs/ (e.g. fast)")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--eval-every", type=int, default=50, help="evaluate the test set every K training steps (and at the end)")
    p.add_argument("--max-steps", type=int, default=0, help="stop after this many steps (0: the spec's epochs)")
    p.add_argument("--seed", type=int, default=None, help="torch seed (default the spec's)")
    p.add_argument("--data", required=True, help="folder with the four MNIST IDX files")
    args = p.parse_args(argv)
    if args.threads < 1 or args.eval_every < 1 or args.max_steps < 0:
        p.error("--threads and --eval-every must be at least 1, --max-steps not negative")
    return args


# ---------------------------------------------------------------------------------------------------
# The spec, interpreted
# ---------------------------------------------------------------------------------------------------

def load_yaml(arch):
    import yaml

    path = os.path.join(SPECS_DIR, f"{arch}.yaml")
    try:
        with open(path, encoding="utf-8") as f:
            return path, yaml.safe_load(f)
    except OSError as e:
        raise BenchError(f"{path}: cannot be read ({e.strerror}).")


def variant(entry, shorthand=None):
    """'kind', {kind: value} (the shorthand parameter) or {kind: {k: v}} -> (kind, parameters)."""
    if isinstance(entry, str):
        return entry, {}
    (kind, value), = entry.items()
    if isinstance(value, dict):
        return kind, dict(value)
    if value is None:
        return kind, {}
    return kind, {shorthand: value} if shorthand else {}


LAYER_SHORTHAND = {"linear": "out", "max_pool2d": "kernel", "avg_pool2d": "kernel", "dropout": "p", "dropout2d": "p", "leaky_relu": "slope"}


def build_from_spec(path, spec):
    """torch.nn.Sequential-like module whose submodule names are the spec's layer names (conv1, bn1, fc1...)."""
    import torch
    from torch import nn

    shape = list(spec["input"])  # [C, H, W], then [F] after flatten
    counters = {}
    layers = []
    for entry in spec["layers"]:
        kind = entry if isinstance(entry, str) else next(iter(entry))
        kind, a = variant(entry, LAYER_SHORTHAND.get(kind))
        prefix = {"conv2d": "conv", "linear": "fc", "batch_norm": "bn"}.get(kind, kind + "_")
        counters[prefix] = counters.get(prefix, 0) + 1
        name = a.pop("name", f"{prefix}{counters[prefix]}")
        if kind == "conv2d":
            k, s, pad = a["kernel"], a.get("stride", 1), a.get("padding", 0)
            m = nn.Conv2d(shape[0], a["out"], k, stride=s, padding=pad, bias=a.get("bias", True))
            shape = [a["out"], (shape[1] + 2 * pad - k) // s + 1, (shape[2] + 2 * pad - k) // s + 1]
        elif kind == "linear":
            m = nn.Linear(shape[0], a["out"], bias=a.get("bias", True))
            shape = [a["out"]]
        elif kind == "batch_norm":
            bn = nn.BatchNorm2d if len(shape) == 3 else nn.BatchNorm1d
            m = bn(shape[0], eps=a.get("eps", 1e-5), momentum=a.get("momentum", 0.1))
        elif kind in ("max_pool2d", "avg_pool2d"):
            k, s = a["kernel"], a.get("stride", a["kernel"])
            m = (nn.MaxPool2d if kind == "max_pool2d" else nn.AvgPool2d)(k, stride=s)
            shape = [shape[0], (shape[1] - k) // s + 1, (shape[2] - k) // s + 1]
        elif kind == "flatten":
            m = nn.Flatten()
            shape = [math.prod(shape)]
        elif kind in ("dropout", "dropout2d"):
            m = (nn.Dropout if kind == "dropout" else nn.Dropout2d)(a.get("p", 0.5))
        elif kind in ("relu", "gelu", "tanh", "sigmoid"):
            m = {"relu": nn.ReLU, "gelu": nn.GELU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}[kind]()
        elif kind == "leaky_relu":
            m = nn.LeakyReLU(a.get("slope", 0.01))
        elif kind in ("log_softmax", "softmax"):
            m = (nn.LogSoftmax if kind == "log_softmax" else nn.Softmax)(dim=1)
        else:
            raise BenchError(f"{path}: layer kind '{kind}' has no PyTorch form in tta.py.")
        layers.append((name, m))

    class SpecModule(nn.Module):
        def __init__(self):
            super().__init__()
            self.names = [n for n, _ in layers]
            for n, m in layers:
                self.add_module(n, m)

        def forward(self, x):
            for n in self.names:
                x = getattr(self, n)(x)
            return x

    return SpecModule()


def recipe(path, spec):
    t = spec["training"]
    loss, loss_args = variant(t["loss"])
    opt, opt_args = variant(t["optimizer"], "lr")
    sched = t.get("schedule", "none")
    kind = sched if isinstance(sched, str) else next(iter(sched))
    schedule, schedule_args = variant(sched, {"step": "every", "one_cycle": "max_lr"}.get(kind))
    augment = t.get("augment")
    if isinstance(augment, dict):
        augment = {"max_shift": augment.get("max_shift", 2), "max_rotation": augment.get("max_rotation", 10.0)}
    return {
        "loss": loss, "label_smoothing": float(loss_args.get("label_smoothing", 0.0)),
        "optimizer": opt, "optimizer_args": opt_args,
        "schedule": schedule, "schedule_args": schedule_args,
        "augment": augment,
        "batch_size": int(t.get("batch_size", 64)), "epochs": int(t.get("epochs", 10)), "seed": int(t.get("seed", 1)),
    }


def make_optimizer(path, r, params):
    import torch

    a = r["optimizer_args"]
    if r["optimizer"] == "sgd":
        return torch.optim.SGD(params, lr=a["lr"], momentum=a.get("momentum", 0.0), nesterov=a.get("nesterov", False),
                               weight_decay=a.get("weight_decay", 0.0))
    if r["optimizer"] in ("adam", "adamw"):
        cls = torch.optim.Adam if r["optimizer"] == "adam" else torch.optim.AdamW
        return cls(params, lr=a.get("lr", 0.001), betas=tuple(a.get("betas", (0.9, 0.999))),
                   weight_decay=a.get("weight_decay", 0.0 if r["optimizer"] == "adam" else 0.01))
    raise BenchError(f"{path}: optimizer '{r['optimizer']}' has no PyTorch form in tta.py.")


def make_scheduler(path, r, optimizer, total_steps):
    """A per-batch scheduler, or None for a constant rate."""
    import torch

    kind, a = r["schedule"], r["schedule_args"]
    if kind == "none":
        return None
    if a.get("per", "epoch") != "step":
        raise BenchError(f"{path}: tta.py runs per-step schedules only (schedule '{kind}' is per epoch).")
    if kind == "one_cycle":
        return torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=a["max_lr"], total_steps=total_steps, cycle_momentum=False)
    if kind == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=total_steps)
    raise BenchError(f"{path}: schedule '{kind}' has no PyTorch form in tta.py.")


# ---------------------------------------------------------------------------------------------------
# Data and training
# ---------------------------------------------------------------------------------------------------

def load_idx(data_dir):
    import numpy as np
    import torch

    def read(name, offset):
        p = os.path.join(data_dir, name)
        if not os.path.isfile(p) or os.path.getsize(p) != MNIST_FILES[name]:
            raise BenchError(f"{p}: missing or of the wrong size; run 'mnistgen data fetch' or benchmarks/pytorch/setup.sh.")
        with open(p, "rb") as f:
            return torch.from_numpy(np.frombuffer(f.read(), dtype=np.uint8, offset=offset).copy())

    def images(name):
        return ((read(name, 16).view(-1, 1, 28, 28).float() / 255.0) - MNIST_MEAN) / MNIST_STD

    return (images("train-images-idx3-ubyte"), read("train-labels-idx1-ubyte", 8).long(),
            images("t10k-images-idx3-ubyte"), read("t10k-labels-idx1-ubyte", 8).long())


def augment_batch(x, max_shift, max_rotation, background):
    import torch
    import torch.nn.functional as F

    b, _, h, w = x.shape
    angle = (torch.rand(b) * 2 - 1) * max_rotation * math.pi / 180
    dx = (torch.rand(b) * 2 - 1) * max_shift * 2.0 / w
    dy = (torch.rand(b) * 2 - 1) * max_shift * 2.0 / h
    cos, sin = torch.cos(angle), torch.sin(angle)
    theta = torch.stack([torch.stack([cos, -sin, dx], 1), torch.stack([sin, cos, dy], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x - background, grid, align_corners=False) + background


def main():
    configure_threads_from_argv()
    args = parse_args()
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    path, spec = load_yaml(args.arch)
    r = recipe(path, spec)
    seed = r["seed"] if args.seed is None else args.seed
    torch.manual_seed(seed)
    model = build_from_spec(path, spec)
    x_train, y_train, x_test, y_test = load_idx(args.data)
    n, bs = x_train.shape[0], r["batch_size"]
    spe = math.ceil(n / bs)
    total = spe * r["epochs"]
    steps = min(total, args.max_steps) if args.max_steps else total
    optimizer = make_optimizer(path, r, model.parameters())
    scheduler = make_scheduler(path, r, optimizer, total)
    background = -MNIST_MEAN / MNIST_STD

    def loss_fn(out, y):
        if r["loss"] == "nll":
            return F.nll_loss(out, y)
        return F.cross_entropy(out, y, label_smoothing=r["label_smoothing"])

    def evaluate():
        model.eval()
        correct = 0
        with torch.no_grad():
            for i in range(0, x_test.shape[0], 1000):
                correct += (model(x_test[i:i + 1000]).argmax(1) == y_test[i:i + 1000]).sum().item()
        model.train()
        return correct / x_test.shape[0]

    evals, clock, cpu, step = [], 0.0, 0.0, 0
    model.train()
    while step < steps:
        perm = torch.randperm(n)
        for b in range(spe):
            if step >= steps:
                break
            t0, c0 = time.perf_counter(), time.process_time()
            idx = perm[b * bs:(b + 1) * bs]
            x, y = x_train[idx], y_train[idx]
            if r["augment"]:
                x = augment_batch(x, r["augment"]["max_shift"], r["augment"]["max_rotation"], background)
            loss = loss_fn(model(x), y)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            if scheduler is not None and step + 1 < total:
                scheduler.step()
            loss.item()  # the step's host sync, as MnistGen's
            clock += time.perf_counter() - t0
            cpu += time.process_time() - c0
            step += 1
            if step % args.eval_every == 0 or step == steps:
                evals.append([step, round(clock, 3), evaluate(), round(cpu, 3)])
                print(f"  step {step}/{steps}: {clock:.2f} s, test accuracy {evals[-1][2]:.4f}", file=sys.stderr)
    print(json.dumps({
        "schema": SCHEMA, "side": "pytorch", "arch": args.arch, "threads": torch.get_num_threads(), "seed": seed,
        "steps": steps, "steps_per_epoch": spe, "eval_every": args.eval_every, "evals": evals,
        "torch_version": torch.__version__, "cpu": cpu_model(),
    }))


if __name__ == "__main__":
    main_guard(main)
