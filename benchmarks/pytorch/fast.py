#!/usr/bin/python3
"""Baseline (b): what a speed-minded PyTorch user writes for the same specs.

The data is loaded once and normalised into one tensor per split; batches are `index_select` on a
`randperm` per epoch (partial last batch kept, as the DataLoader does); no `.item()` or other host
sync per step (the epoch loss is summed on the tensor side); gradients are set to None rather than
zeroed; the optimizer uses foreach=True; the CNNs run in channels_last memory format (Debian's 1.13
max_pool2d is ~8x slower on NCHW; 10-30% off a CNN epoch here); evaluation and prediction run under
`inference_mode`. The evaluation batch is chosen by timing 100 and 1000 and keeping the faster (both
are reported).

    /usr/bin/python3 benchmarks/pytorch/fast.py --arch mlp --threads 1 --steps 200
"""

import sys

sys.dont_write_bytecode = True

import common  # noqa: E402

common.configure_threads_from_argv()

import time  # noqa: E402
import statistics  # noqa: E402

EVAL_BATCHES = (100, 1000)


def add_arguments(p):
    p.add_argument("--no-foreach", dest="foreach", action="store_false",
                   help="use the optimizer's per-parameter loop instead of foreach=True")
    p.add_argument("--no-channels-last", dest="channels_last", action="store_false",
                   help="CNNs: keep the default NCHW layout instead of channels_last")
    p.add_argument("--whole", action="store_true",
                   help="with --epochs: only what a user's training script does (train, evaluate after each epoch at "
                        "batch 1000, exit); no evaluation-batch search and no predict timing, so the process's wall time "
                        "is the recipe's (the benchmark's whole-process mode)")


def run(args):
    import torch
    from torchvision import datasets

    common.set_torch_threads(torch, args.threads)
    spec = common.load_spec(args.arch)
    torch.manual_seed(spec["seed"])
    batch = spec["batch_size"]

    with common.MnistRoot(args.data) as root:
        def load(train):
            ds = datasets.MNIST(root, download=False, train=train)
            x = ds.data.unsqueeze(1).float().div_(255.0).sub_(common.MNIST_MEAN).div_(common.MNIST_STD)
            return x.contiguous(), ds.targets.clone()
        x_train, y_train = load(True)
        x_test, y_test = load(False)

    n = x_train.shape[0]
    model = common.build_model(args.arch, spec)
    criterion = common.make_loss(spec)
    if args.channels_last and args.arch != "mlp":
        model = model.to(memory_format=torch.channels_last)
        x_train = x_train.contiguous(memory_format=torch.channels_last)
        x_test = x_test.contiguous(memory_format=torch.channels_last)
    optimizer = common.make_optimizer(spec, model.parameters(), foreach=args.foreach)

    state = {"perm": torch.randperm(n), "pos": 0, "loss_sum": torch.zeros(())}

    def train_batch(idx):
        x = x_train.index_select(0, idx)
        y = y_train.index_select(0, idx)
        optimizer.zero_grad(set_to_none=True)
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
        state["loss_sum"] += loss.detach()

    def run_steps(k):
        model.train()
        for _ in range(k):
            if state["pos"] >= n:
                state["perm"], state["pos"] = torch.randperm(n), 0
            p = state["pos"]
            train_batch(state["perm"][p:p + batch])
            state["pos"] = p + batch

    def run_epoch():
        model.train()
        perm = torch.randperm(n)
        state["loss_sum"] = torch.zeros(())
        for p in range(0, n, batch):
            train_batch(perm[p:p + batch])
        return state["loss_sum"].item()  # one sync per epoch

    def evaluate(batch_size=100):
        t0 = time.perf_counter()
        model.eval()
        correct = torch.zeros((), dtype=torch.long)
        loss_sum = torch.zeros(())
        with torch.inference_mode():
            for p in range(0, x_test.shape[0], batch_size):
                out = model(x_test[p:p + batch_size])
                y = y_test[p:p + batch_size]
                loss_sum += criterion(out, y) * y.shape[0]
                correct += (out.argmax(dim=1) == y).sum()
            accuracy = correct.item() / x_test.shape[0]
        model.train()
        return time.perf_counter() - t0, accuracy

    record = common.base_record("fast", args, spec)
    record.update({"foreach": args.foreach, "channels_last": args.channels_last and args.arch != "mlp"})
    if args.whole and args.epochs is not None:
        record.update(common.train_timing(args, spec, run_steps, run_epoch, lambda: evaluate(1000)))
        record.update({"eval_seconds": record["epoch_eval_seconds"][-1], "eval_batch_size": 1000, "whole": True})
        record.update(common.blas_info())
        common.emit(record, args)
        return
    record.update(common.train_timing(args, spec, run_steps, run_epoch, evaluate))

    candidates = []
    for b in EVAL_BATCHES:
        times = [evaluate(b)[0] for _ in range(args.repeats)]
        candidates.append({"batch_size": b, "seconds": round(statistics.median(times), 3)})
    best = min(candidates, key=lambda c: c["seconds"])
    record.update({"eval_seconds": best["seconds"], "eval_batch_size": best["batch_size"],
                   "eval_candidates": candidates})

    image = x_test[:1].clone()
    model.eval()

    def predict_one(img):
        with torch.inference_mode():
            return torch.exp(model(img)).tolist()[0]

    record.update(common.time_predict(predict_one, image, args.predict_calls))
    record.update(common.blas_info())
    common.emit(record, args)


if __name__ == "__main__":
    common.main_guard(lambda: run(common.parse_args(__doc__.splitlines()[0], add_arguments=add_arguments)))
