#!/usr/bin/python3
"""Baseline (a): the tutorial's recipe as it describes it (shared/seed), with our specs' layer sizes.

torchvision's MNIST dataset over our local IDX files, ToTensor + Normalize((0.1307,), (0.3081,)),
DataLoader(shuffle=True) for training and test sets at the tutorial's batch size, the tutorial's
optimizer and rate, `loss.item()` every step to keep the running loss, evaluation under no_grad with
the test loss and accuracy, and prediction as `torch.exp(model(img))` under no_grad.

    /usr/bin/python3 benchmarks/pytorch/tutorial.py --arch cnn-5x5 --threads 1 --steps 200

`--recipe` runs the tutorial's whole recipe and nothing else: the spec's epochs (or --epochs), the
test set evaluated after each epoch, the final test accuracy printed, exit (no extra evaluations,
no predict timing), so the process's wall time is the recipe's; with `--threads 0` torch keeps its
own thread default, as the tutorial's code never sets one (the benchmark's `whole --recipes` mode).

    /usr/bin/python3 benchmarks/pytorch/tutorial.py --arch mlp --recipe --threads 0
"""

import sys

sys.dont_write_bytecode = True

import common  # noqa: E402

common.configure_threads_from_argv()

import time  # noqa: E402
import statistics  # noqa: E402


def add_arguments(p):
    p.add_argument("--recipe", action="store_true",
                   help="the tutorial's full recipe only: the spec's epochs (unless --epochs), evaluation after each, "
                        "print the final test accuracy, exit")


def run(args):
    import torch
    from torch.utils.data import DataLoader
    from torchvision import datasets, transforms

    common.set_torch_threads(torch, args.threads)
    spec = common.load_spec(args.arch)
    if args.recipe:
        args.epochs, args.steps = args.epochs or spec["epochs"], None
    torch.manual_seed(spec["seed"])
    batch = spec["batch_size"]

    with common.MnistRoot(args.data) as root:
        transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
        trainset = datasets.MNIST(root, download=False, train=True, transform=transform)
        testset = datasets.MNIST(root, download=False, train=False, transform=transform)
        # The tutorial: "Training and Test data sets are downloaded, shuffled and transformed using the
        # DataLoader object", with one batch size per architecture.
        trainloader = DataLoader(trainset, batch_size=batch, shuffle=True)
        testloader = DataLoader(testset, batch_size=batch, shuffle=True)

        model = common.build_model(args.arch, spec)
        criterion = common.make_loss(spec)
        optimizer = common.make_optimizer(spec, model.parameters())

        batches = iter(trainloader)
        running_loss = [0.0]
        losses = {"train": [], "test": []}  # per epoch, as the tutorial stores them for its plot

        def train_step(images, labels):
            optimizer.zero_grad()
            output = model(images)
            loss = criterion(output, labels)
            loss.backward()
            optimizer.step()
            running_loss[0] += loss.item()

        def run_steps(n):
            nonlocal batches
            model.train()
            for _ in range(n):
                try:
                    images, labels = next(batches)
                except StopIteration:
                    batches = iter(trainloader)
                    images, labels = next(batches)
                train_step(images, labels)

        def run_epoch():
            model.train()
            running_loss[0] = 0.0
            for images, labels in trainloader:
                train_step(images, labels)
            losses["train"].append(running_loss[0] / len(trainloader))

        def evaluate(batch_size=None):
            t0 = time.perf_counter()
            test_loss, correct = 0.0, 0
            model.eval()
            with torch.no_grad():
                for images, labels in testloader:
                    output = model(images)
                    test_loss += criterion(output, labels).item()
                    correct += (output.argmax(dim=1) == labels).sum().item()
            losses["test"].append(test_loss / len(testloader))
            model.train()
            return time.perf_counter() - t0, correct / len(testset)

        record = common.base_record("tutorial", args, spec)
        record.update(common.train_timing(args, spec, run_steps, run_epoch, evaluate))
        if args.recipe:
            record.update({"recipe": True, "eval_seconds": record["epoch_eval_seconds"][-1], "eval_batch_size": batch,
                           "train_losses": [round(v, 5) for v in losses["train"]],
                           "test_losses": [round(v, 5) for v in losses["test"]]})
            record.update(common.blas_info())
            print(f"Test accuracy {record['test_accuracy'] * 100:.2f}% after epoch {record['epochs_run']}", file=sys.stderr)
            common.emit(record, args)
            return

        evals = [evaluate()[0] for _ in range(args.repeats)]
        record.update({
            "eval_seconds": round(statistics.median(evals), 3),
            "eval_batch_size": batch,
            "eval_candidates": [{"batch_size": batch, "seconds": round(statistics.median(evals), 3)}],
        })

        images, _ = next(iter(testloader))
        image = images[:1]
        model.eval()

        def predict_one(img):
            with torch.no_grad():
                logps = model(img)
            ps = torch.exp(logps)
            return ps.tolist()[0]

        record.update(common.time_predict(predict_one, image, args.predict_calls))
        record.update(common.blas_info())
        common.emit(record, args)


if __name__ == "__main__":
    common.main_guard(lambda: run(common.parse_args(__doc__.splitlines()[0], add_arguments=add_arguments)))
