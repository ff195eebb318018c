"""The PyTorch side of MnistGen's interop tests, run with Debian's /usr/bin/python3 (python3-torch).

The tutorial's three networks written by hand, as a PyTorch user would, with the names MnistGen's specs use
(benchmarks/pytorch/common.py's build_model).

  save DIR            for each network: random weights (seed 1) -> DIR/<id>.pt, the float64 copy -> DIR/<id>-f64.pt,
                      one shared input batch -> DIR/input.f32 (64x1x28x28) and the network's log-probabilities
                      -> DIR/<id>.out.f32; and DIR/evil.pt, a pickle whose loading would run os.system
  check DIR ID FILE   load FILE (.pt through torch.load, .safetensors parsed here by the format's rules) into the
                      hand-written network with load_state_dict(strict=True), write its log-probabilities on
                      DIR/input.f32 to FILE.out.f32
  accuracy ID FILE MNIST_DIR   print the test accuracy of FILE's weights on MNIST's 10k test images
"""
import json
import os
import struct
import sys

import numpy as np
import torch

MEAN, STD = 0.1307, 0.3081


# The tutorial's networks as the benchmark's PyTorch baselines write them by hand (one definition, checked there
# against specs/*.yaml layer by layer).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "benchmarks", "pytorch"))
from common import build_model, load_spec  # noqa: E402

ARCHS = ("mlp", "cnn-3x3", "cnn-5x5")
NETWORKS = {arch: (lambda arch=arch: build_model(arch, load_spec(arch))) for arch in ARCHS}


def read_safetensors(path):
    """The format's rules: u64 LE header length, a JSON object, offsets that index the whole buffer without holes."""
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    data = blob[8 + n:]
    metadata = header.pop("__metadata__", {})
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()), "metadata must map strings to strings"
    dtypes = {"F32": np.float32, "I64": np.int64}
    tensors, ranges = {}, []
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=np.dtype(dtypes[entry["dtype"]]).newbyteorder("<"))
        tensors[name] = torch.from_numpy(array.reshape(entry["shape"]).copy())
        ranges.append((begin, end))
    ranges.sort()
    position = 0
    for begin, end in ranges:
        assert begin == position, "the data must be indexed entirely, without holes or overlaps"
        position = end
    assert position == len(data), "bytes after the last tensor"
    assert (8 + n) % 8 == 0, "the data starts 8-byte aligned"
    return tensors, metadata


def load(arch, path):
    net = NETWORKS[arch]()
    state = read_safetensors(path)[0] if path.endswith(".safetensors") else torch.load(path)
    net.load_state_dict(state, strict=True)
    return net.eval()


def write_f32(path, tensor):
    tensor.detach().numpy().astype("<f4").tofile(path)


def read_idx(path):
    with open(path, "rb") as f:
        raw = f.read()
    dims = raw[3]
    shape = struct.unpack(">" + "I" * dims, raw[4:4 + 4 * dims])
    return np.frombuffer(raw[4 + 4 * dims:], dtype=np.uint8).reshape(shape)


class Evil:
    def __reduce__(self):
        return (os.system, ("touch " + os.environ["EVIL_MARKER"],))


def main():
    command = sys.argv[1]
    if command == "save":
        out = sys.argv[2]
        torch.manual_seed(1)
        batch = torch.randn(64, 1, 28, 28)
        write_f32(os.path.join(out, "input.f32"), batch)
        for arch, make in NETWORKS.items():
            net = make().eval()
            torch.save(net.state_dict(), os.path.join(out, arch + ".pt"))
            torch.save({k: v.double() for k, v in net.state_dict().items()}, os.path.join(out, arch + "-f64.pt"))
            with torch.no_grad():
                write_f32(os.path.join(out, arch + ".out.f32"), net(batch))
        # A channels-last copy of a CNN's weights: torch.save keeps the strides, the reader must follow them.
        cnn = NETWORKS["cnn-5x5"]().eval()
        cnn.load_state_dict(torch.load(os.path.join(out, "cnn-5x5.pt")))
        cnn = cnn.to(memory_format=torch.channels_last)
        assert not cnn.conv2.weight.is_contiguous()
        torch.save(cnn.state_dict(), os.path.join(out, "cnn-5x5-channels-last.pt"))
        torch.save({"fc1.weight": Evil()}, os.path.join(out, "evil.pt"))
    elif command == "check":
        out, arch, path = sys.argv[2], sys.argv[3], sys.argv[4]
        net = load(arch, path)
        batch = torch.from_numpy(np.fromfile(os.path.join(out, "input.f32"), dtype="<f4").reshape(64, 1, 28, 28).copy())
        with torch.no_grad():
            write_f32(path + ".out.f32", net(batch))
        if path.endswith(".safetensors"):
            print(json.dumps(read_safetensors(path)[1], sort_keys=True))
    elif command == "accuracy":
        arch, path, mnist = sys.argv[2], sys.argv[3], sys.argv[4]
        net = load(arch, path)
        images = read_idx(os.path.join(mnist, "t10k-images-idx3-ubyte")).astype(np.float32) / 255.0
        labels = torch.from_numpy(read_idx(os.path.join(mnist, "t10k-labels-idx1-ubyte")).astype(np.int64))
        x = (torch.from_numpy(images).unsqueeze(1) - MEAN) / STD
        with torch.no_grad():
            correct = int((net(x).argmax(dim=1) == labels).sum())
        print(correct)
    else:
        raise SystemExit("unknown command " + command)


if __name__ == "__main__":
    main()
