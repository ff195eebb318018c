#!/usr/bin/env bash
# README's test command, and what CI runs (.ci/run calls this and nothing else).
# 1. installs the system packages the tests need that no NuGet restore brings (apt-get; as root, or with sudo);
# 2. builds, and fetches the data sets the tests load (SHA-256 verified; the tests would fetch them on first use too);
# 3. runs the benchmark's smoke mode and every test project;
# 4. ends with the plain line "N passed, N failed", computed from the TRX results.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# Fonts for the text in figures (losses.png, confusion.png); real PyTorch and onnx.checker for the interop tests (/usr/bin/python3);
# Chromium for the browser tests of 'mnistgen serve' (Playwright drives the system browser: its own download cannot work offline).
packages=(fonts-dejavu-core python3-torch python3-onnx chromium)

echo "== system packages: ${packages[*]}"
missing=()
for pkg in "${packages[@]}"; do
  # Installed means "install ok installed": a removed package keeps a dpkg record ("deinstall ok config-files").
  [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" = "install ok installed" ] || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: these Debian/Ubuntu packages are missing and apt-get is not available: ${missing[*]}" >&2
    exit 1
  fi
  if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
    echo "test.sh: please install, as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "installing ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "== build"
dotnet build MnistGen.sln -c Debug -v q -nologo

echo "== data (each source in turn until one gives files whose SHA-256 match)"
dotnet run --no-build --project src/MnistGen.Cli -- data fetch --dataset mnist
dotnet run --no-build --project src/MnistGen.Cli -- data fetch --dataset fashion-mnist

echo "== benchmark smoke"
dotnet build benchmarks/MnistGen.Bench -c Release -v q -nologo
dotnet run --no-build -c Release --project benchmarks/MnistGen.Bench -- --smoke --out "${TMPDIR:-/tmp}/mnistgen-bench-smoke.md" >/dev/null
dotnet run --no-build -c Release --project benchmarks/MnistGen.Bench -- serve-load --smoke --out "${TMPDIR:-/tmp}/mnistgen-serve-smoke.md" >/dev/null
dotnet run --no-build -c Release --project benchmarks/MnistGen.Bench -- tta --smoke --data data/mnist --out "${TMPDIR:-/tmp}/mnistgen-tta-smoke.md" >/dev/null
dotnet run --no-build -c Release --project benchmarks/MnistGen.Bench -- whole --smoke --data data/mnist --out "${TMPDIR:-/tmp}/mnistgen-whole-smoke.md" >/dev/null
dotnet run --no-build -c Release --project benchmarks/MnistGen.Bench -- whole --recipes --smoke --data data/mnist --out "${TMPDIR:-/tmp}/mnistgen-recipes-smoke.md" >/dev/null

echo "== tests"
rm -rf TestResults
set +e
dotnet test MnistGen.sln --no-build --logger "trx" --results-directory TestResults
test_rc=$?
set -e

passed=0; failed=0
shopt -s nullglob
trx=(TestResults/*.trx)
for f in "${trx[@]}"; do
  counters=$(grep -o '<Counters [^>]*>' "$f" | head -n1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  x=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${x:-0}))
done
if [ ${#trx[@]} -eq 0 ]; then echo "no test results were written"; failed=$((failed + 1)); fi
echo "${passed} passed, ${failed} failed"
if [ "$test_rc" -ne 0 ] || [ "$failed" -ne 0 ]; then exit 1; fi
