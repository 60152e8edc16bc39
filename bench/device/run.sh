#!/usr/bin/env bash
# The device run, on the GPU machine (packed by bench/device/pack.sh into .device/; see bench/device/README.md):
#   kernels   every launcher on fresh random inputs on the GPU against its CPU twin and the PTX emulator
#   parity    ViT-Tiny on real images against the CPU: golden tench, fp32 top-1 and logits, w8a8 and w4a4 op by op
#   timm      timm's randomly initialised deit_small, deit3_small, vit_small and deit_small_distilled (exported
#             here by PyTorch) and the committed micro fixtures, matched to 1e-3 of the largest logit
#   bench     qvit bench (BENCH_CUDA below; a failure is recorded and the run goes on)
#   memcheck, racecheck   compute-sanitizer on the kernel checks (small shapes, GPU only), with the time left
# Every step has a time budget inside a deadline (QVIT_RUN_SECONDS, default 450 s on a GPU), so the run ends in under
# 8 minutes; a step cut short or failing is a failed check and the run goes on. Prints a short table last.
# OUTDIR gets <date>-<device>-<suite>.json and .md (commit them unedited under bench/results/), run.log
# (every step's output), sanitizer.log and bench.tar.gz: at most 8 files, as the device tool returns.
#
# Usage: bash bench/device/run.sh OUTDIR [--device emu]
#   --device emu (or QVIT_DEVICE=emu): the dry run on any machine: the emulator replaces the GPU, shapes and
#   image counts are tiny, and what needs a GPU or PyTorch says "skipped: no GPU".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

# qvit bench's options, one line each; update them as qvit bench changes.
BENCH_CUDA="--arch deit_small_patch16_224 --batch 256 --warmup 3 --repeats 10 --precisions fp32,w8a8,w4a4"
BENCH_EMU="--arch vit_tiny_patch16_224 --batch 1 --warmup 0 --repeats 1 --precisions fp32"

usage() { echo "usage: bash bench/device/run.sh OUTDIR [--device cuda|emu]" >&2; exit 2; }
[ $# -ge 1 ] || usage
outdir="$1"; shift
device="${QVIT_DEVICE:-cuda}"
while [ $# -gt 0 ]; do
  case "$1" in
    --device) [ $# -ge 2 ] || usage; device="$2"; shift 2;;
    *) echo "run.sh: unknown option $1" >&2; usage;;
  esac
done
case "$device" in cuda|emu) ;; *) echo "run.sh: --device $device: use cuda or emu" >&2; exit 2;; esac
mkdir -p "$outdir" || { echo "run.sh: cannot create $outdir" >&2; exit 2; }
outdir="$(cd "$outdir" && pwd)"
work="${QVIT_WORK:-$(mktemp -d /tmp/qvit-device.XXXX)}"
mkdir -p "$work"
start=$(date +%s)
# 450 s on the GPU leaves the device tool's 10 minutes room for the JRE, the start and the report; the emulator
# on a loaded 2-core machine needs longer.
[ "$device" = cuda ] && seconds=450 || seconds=2700
deadline=$((start + ${QVIT_RUN_SECONDS:-$seconds}))
checks="$outdir/checks.jsonl"; steps="$outdir/steps.jsonl"; log="$outdir/run.log"; sanlog="$outdir/sanitizer.log"
: > "$checks"; : > "$steps"; : > "$log"

# One JSON line per check that the shell itself decides (a step that failed or was skipped as a whole).
record() { python3 -c 'import json,sys; print(json.dumps({"name":sys.argv[1],"status":sys.argv[2],"passed":{"pass":True,"fail":False}.get(sys.argv[2]),"detail":sys.argv[3],"seconds":float(sys.argv[4])}))' "$@" >> "$checks"; }
say() { echo "run.sh: $*" | tee -a "$log" >&2; }

# step NAME BUDGET_S CMD...: runs CMD with its output in run.log, within BUDGET_S and the deadline. A step whose
# command exits 0 or 1 (checks passed, or some failed and said so in the check log) needs no line of its own,
# nor one exiting with $STEP_HANDLED (its caller records it).
step_rc=0
step() {
  local name="$1" budget="$2"; shift 2
  local left=$((deadline - $(date +%s)))
  if [ "$left" -lt 15 ]; then record "step $name" skip "skipped: out of time (the run's deadline, QVIT_RUN_SECONDS)" 0; step_rc=124; return; fi
  [ "$budget" -le "$left" ] || budget="$left"
  say "step $name (at most ${budget} s)"
  echo "==== step $name: $*" >> "$log"
  local t0=$(date +%s) before handled="${STEP_HANDLED:-none}"
  before=$(wc -l < "$checks")
  timeout --kill-after=10 "$budget" "$@" >> "$log" 2>&1
  step_rc=$?
  local secs=$(($(date +%s) - t0))
  echo "{\"step\": \"$name\", \"rc\": $step_rc, \"seconds\": $secs}" >> "$steps"
  if [ "$step_rc" = "$handled" ]; then
    :
  elif [ "$step_rc" = 124 ] || [ "$step_rc" = 137 ]; then
    record "step $name" fail "timed out after ${budget} s; run.log has what it printed" "$secs"
  elif [ "$step_rc" -gt 1 ] || { [ "$step_rc" = 1 ] && [ "$(wc -l < "$checks")" = "$before" ]; }; then
    record "step $name" fail "exited with $step_rc: $(grep -v '^WARNING' "$log" | tail -n 1 | cut -c1-300)" "$secs"
  fi
}

# Java: the packed JRE (the GPU machine has none), else the java on the PATH; the packed jar, else the build's.
if [ -f .device/jre.tar.xz ]; then
  say "unpacking the JRE into $work"
  tar -xJf .device/jre.tar.xz -C "$work" 2>>"$log" \
    || python3 -c 'import sys,tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' .device/jre.tar.xz "$work"
  java="$work/jre/bin/java"
else
  java="$(command -v java || true)"
fi
jar=.device/qvit-cli.jar
[ -f "$jar" ] || jar="$(ls target/qvit-*-cli.jar 2>/dev/null | head -n 1)"
[ -n "$jar" ] && jar="$root/$jar"
data=.device/data
[ -d "$data" ] || data="${QVIT_SHARED_DATA:-$root/../shared/data}"
if [ -z "$java" ] || [ ! -x "$java" ] || [ -z "$jar" ]; then
  echo "run.sh: no Java or no jar: run bench/device/pack.sh first (or, here, mvn package)" >&2; exit 2
fi
jvm=("$java" --add-modules=jdk.incubator.vector -Djava.awt.headless=true -XX:G1HeapRegionSize=32m) # as ./qvit runs it
checks_cmd=("${jvm[@]}" -cp "$jar" io.qvit.check.DeviceChecks)
qvit=("${jvm[@]}" -jar "$jar")
# cuBLAS 13 for the bench's baseline: PyTorch's venv holds it on the GPU machine.
cublas_dir="$(find /opt /usr/local /usr/lib -name 'libcublas.so.13' -printf '%h\n' -quit 2>/dev/null || true)"
[ -n "$cublas_dir" ] && export LD_LIBRARY_PATH="$cublas_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# What the run ran on, for the report.
if git rev-parse HEAD >/dev/null 2>&1; then
  commit="$(git rev-parse HEAD)$([ -z "$(git status --porcelain --untracked-files=no)" ] || echo ' (with uncommitted changes)')"
else # the GPU machine gets no .git: the commit pack.sh saw
  commit="$(tr '\n' ' ' < .device/COMMIT 2>/dev/null || echo unknown)"
fi
if [ "$device" = cuda ]; then
  gpu="$(nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,clocks.max.sm,temperature.gpu --format=csv,noheader 2>/dev/null | head -n 1)"
  cuda_version="$(nvidia-smi 2>/dev/null | grep -o 'CUDA Version: [0-9.]*' | cut -d' ' -f3)"
  suite=devicerun
else
  gpu="PTX emulator on the CPU ($(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)),none"
  cuda_version="none (emulator)"
  suite=dryrun
fi
python3 - "$outdir/env.json" "$device" "$suite" "$gpu" "$cuda_version" "$commit" "$("$java" -version 2>&1 | head -n 1)" \
  "$(cat .device/SIZES.txt 2>/dev/null | tail -n 1)" <<'PY'
import json, sys, time
path, device, suite, gpu, cuda, commit, java, packed = sys.argv[1:]
parts = [p.strip() for p in gpu.split(",")]
json.dump({"device": parts[0], "device_kind": device, "suite": suite, "driver": parts[1] if len(parts) > 1 else "",
           "clocks_as_found": {"sm_mhz": parts[2], "mem_mhz": parts[3], "max_sm_mhz": parts[4], "temperature_c": parts[5]} if len(parts) > 5 else None,
           "cuda_version": cuda, "commit": commit, "java": java, "packed": packed,
           "date": time.strftime("%Y-%m-%d", time.gmtime()), "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
          open(path, "w"), indent=1)
PY
say "device $device ($gpu), commit $commit, java $java, jar $jar, data $data, work $work"

if [ "$device" = cuda ]; then
  step kernels 120 "${checks_cmd[@]}" kernels --device cuda --size full --log "$checks"
  step parity 150 "${checks_cmd[@]}" parity --device cuda --data "$data" --images 32 --ood 8 --calib 32 --log "$checks"
  step timm-export 90 env PYTHONUNBUFFERED=1 python3 bench/device/export_timm_random.py "$work/timm" 2
  timm_dirs=("$work"/timm/*/)
  [ -d "${timm_dirs[0]}" ] || timm_dirs=()
  step timm 90 "${checks_cmd[@]}" timm --device cuda --log "$checks" "${timm_dirs[@]}" src/test/resources/fixtures/timm/*/
  bench_args="$BENCH_CUDA"
else
  step kernels 240 "${checks_cmd[@]}" kernels --device emu --size small --threads "$(nproc)" --log "$checks"
  step parity 1500 "${checks_cmd[@]}" parity --device emu --data "$data" --images 1 --ood 0 --calib 4 --presets w4a4 --threads "$(nproc)" --log "$checks"
  record "timm export by PyTorch (deit_small, deit3_small, vit_small, deit_small_distilled)" skip "skipped: no GPU (PyTorch and timm run on the GPU machine); the committed micro fixtures below take the same path" 0
  step timm 240 "${checks_cmd[@]}" timm --device emu --threads "$(nproc)" --log "$checks" src/test/resources/fixtures/timm/*/
  bench_args="$BENCH_EMU"
fi

# The bench, run in $work/bench (a relative --out lands there): its own output format, so one check for whether
# it ran; whatever it writes travels as bench.tar.gz, and a bench.json found there goes into the report.
mkdir -p "$work/bench"
t0=$(date +%s)
# shellcheck disable=SC2086 # the options are one line of words on purpose
[ "$device" = cuda ] && budget=150 || budget=900
step bench "$budget" bash -c 'cd "$1" && shift && exec "$@"' _ "$work/bench" "${qvit[@]}" bench --device "$device" $bench_args
if [ "$step_rc" = 0 ]; then
  record "bench: qvit bench --device $device $bench_args" pass "$(sed -n '/^==== step bench/,$p' "$log" | grep -v '^WARNING\|^====\|^bench:' | tail -n 4 | tr -s ' ' | paste -sd ';' | cut -c1-600)" $(($(date +%s) - t0))
fi
[ -n "$(ls -A "$work/bench")" ] && (cd "$work" && tar -czf "$outdir/bench.tar.gz" bench)

# compute-sanitizer last, with the time left: the kernel checks at small shapes on the GPU alone.
: > "$sanlog"
for tool in memcheck racecheck; do
  if [ "$device" != cuda ]; then
    record "compute-sanitizer $tool on the kernel checks" skip "skipped: no GPU (the emulator runs its own memcheck, initcheck and racecheck in every launch)" 0
    continue
  fi
  if ! command -v compute-sanitizer >/dev/null; then record "compute-sanitizer $tool on the kernel checks" fail "compute-sanitizer is not on the PATH" 0; continue; fi
  t0=$(date +%s)
  echo "==== compute-sanitizer --tool $tool" >> "$sanlog"
  STEP_HANDLED=86 step "$tool" 100 compute-sanitizer --tool "$tool" --target-processes all --error-exitcode 86 --log-file "$work/$tool.txt" \
    "${checks_cmd[@]}" kernels --device cuda --size small --no-emulator --seed 1
  cat "$work/$tool.txt" >> "$sanlog" 2>/dev/null
  summary="$(grep -h 'ERROR SUMMARY\|RACECHECK SUMMARY' "$work/$tool.txt" 2>/dev/null | tail -n 1)"
  case "$step_rc" in
    0) record "compute-sanitizer $tool on the kernel checks" pass "${summary:-no errors} (small shapes, every kernel)" $(($(date +%s) - t0));;
    86) record "compute-sanitizer $tool on the kernel checks" fail "${summary:-errors found}; sanitizer.log has them" $(($(date +%s) - t0));;
  esac
done

say "writing the report"
python3 bench/device/report.py "$outdir" "$work/bench" && rm -f "$checks" "$steps" "$outdir/env.json"
