#!/usr/bin/env bash
# CPU FP32 forward throughput at batch 32, qvit beside PyTorch (timm's same models), on the same
# machine in one run, alternating so that both see the same background load. Writes
# bench/results/cpu_fp32_batch32_<UTC time>.txt (complete or not at all) and prints it.
#
#   PYTHON=/path/to/venv/bin/python bench/cpu_vs_pytorch.sh [ROUNDS]
#
# PYTHON needs torch and timm (see README: the local package index has a CPU torch wheel).
set -euo pipefail
cd "$(dirname "$0")/.."
py="${PYTHON:-python3}"
rounds="${1:-3}"
threads="${THREADS:-$(nproc)}"
# A fixed, pre-touched heap: page faults on fresh activations otherwise cost as much as some kernels.
export QVIT_JAVA_OPTS="${QVIT_JAVA_OPTS:--Xms6g -Xmx6g -XX:+AlwaysPreTouch}"
out="bench/results/cpu_fp32_batch32_$(date -u +%Y%m%dT%H%MZ).txt"
mkdir -p bench/results
tmp="$(mktemp "$out.XXXX.part")"
trap 'rm -f "$tmp"' EXIT
./qvit --help > /dev/null # build first, outside the timed part
{
  echo "# $(date -u +%FT%TZ) $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $threads threads, commit $(git rev-parse --short HEAD)"
  echo "# $(java -version 2>&1 | head -n 1); torch $("$py" -c 'import torch; print(torch.__version__)'); QVIT_JAVA_OPTS=$QVIT_JAVA_OPTS"
  for round in $(seq "$rounds"); do
    echo "# round $round"
    for arch in vit_tiny_patch16_224 vit_small_patch16_224; do
      ./qvit bench --device cpu --threads "$threads" --models "$arch" --batches 32 --repeats 5 2>&1
    done
    "$py" bench/pytorch_cpu_baseline.py --models --threads "$threads" --repeats 5
  done
} | tee "$tmp"
mv "$tmp" "$out"
trap - EXIT
echo "wrote $out"
