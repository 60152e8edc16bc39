#!/usr/bin/env bash
# Compiles every kept kernel, cuda-kernels/*.cu, into ptx/<name>.ptx for compute_80 (Ampere, Ada,
# Hopper and later run it), and records ptxas's resource use for sm_80 and sm_90 in
# ptx/<name>.ptxas.txt (registers, shared memory, spills). Needs nvcc 13; no GPU.
# Fails if a kept kernel spills. Run after editing a .cu file and commit both; the test
# PtxUpToDateTest fails while they disagree (where nvcc is on the PATH). Also: mvn -Pptx generate-resources
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/../ptx"
flags=(-O3 -std=c++17)
command -v nvcc >/dev/null || { echo "compile.sh: nvcc is not on the PATH (CUDA 13 toolkit needed)" >&2; exit 2; }
for cu in "$here"/*.cu; do
  name="$(basename "$cu" .cu)"
  nvcc -ptx -arch=compute_80 "${flags[@]}" "$cu" -o "$out/$name.ptx"
  report="$out/$name.ptxas.txt"
  {
    echo "# ptxas -v for ptx/$name.ptx ($(nvcc --version | tail -2 | head -1))"
    for sm in sm_80 sm_90; do
      ptxas -arch="$sm" -v "$out/$name.ptx" -o /dev/null 2>&1 | grep -v "Compile time" | sed "s/^/$sm: /"
    done
  } > "$report"
  if grep -E "[1-9][0-9]* bytes spill (stores|loads)" "$report" >/dev/null; then
    echo "compile.sh: $name spills registers (see $report); a kept kernel must not" >&2
    exit 1
  fi
  echo "ptx/$name.ptx"
done
