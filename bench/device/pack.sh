#!/usr/bin/env bash
# Packs into .device/ (git-ignored) what the GPU machine needs for bench/device/run.sh, within the device
# tool's 64 MiB (the tracked working tree travels too and is counted):
#   jre.tar.xz    a jlink'ed JRE with the modules jdeps finds in the CLI jar (xz: the GPU machine has no Java)
#   qvit-cli.jar  the shaded CLI jar without the natives no run needs (JCuda's driver natives and JavaCPP's
#                 cudart and cublas stay; the PTX is inside, as resources)
#   data/         a subset of ../shared/data in its layout: ViT-Tiny's weights (F32, or F16 when F32 does
#                 not fit), the golden tench (F32 only), the first N_IMAGENET images of labels.csv and
#                 N_TEXTURES textures
#   COMMIT        the commit packed (the GPU machine gets no .git)
# Usage: bench/device/pack.sh   (env: QVIT_SHARED_DATA, N_IMAGENET=64, N_TEXTURES=8, QVIT_PACK_WEIGHTS=auto|f32|f16)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
data="${QVIT_SHARED_DATA:-$root/../shared/data}"
n_imagenet="${N_IMAGENET:-64}"
n_textures="${N_TEXTURES:-8}"
weights_mode="${QVIT_PACK_WEIGHTS:-auto}"
limit=$((64 * 1024 * 1024))
out=.device
weights=models/vit_tiny_patch16_224.augreg_in21k_ft_in1k.safetensors

die() { echo "pack.sh: $*" >&2; exit 2; }
[ -f "$data/$weights" ] || die "$data/$weights is missing; point QVIT_SHARED_DATA at the shared data folder (see ../shared/data/README.md)"
[ -f "$data/imagenet-samples/labels.csv" ] || die "$data/imagenet-samples/labels.csv is missing (QVIT_SHARED_DATA)"
case "$weights_mode" in auto|f32|f16) ;; *) die "QVIT_PACK_WEIGHTS=$weights_mode: use auto, f32 or f16";; esac
for tool in jlink jdeps xz zip python3 strip; do command -v "$tool" >/dev/null || die "$tool is not on the PATH (needs a JDK 17+, xz, zip, python3, binutils)"; done

# Built into a temporary folder that replaces .device only when complete: a failed pack leaves none half-made.
work="$(mktemp -d "$root/.device.partXXXX")"
trap 'rm -rf "$work"' EXIT

# Its own build folder, so that packing never races a test run in target/.
echo "pack.sh: building the CLI jar (mvn -q -o package -DskipTests into target/pack)..." >&2
mvn -q -o -B package -DskipTests -Dqvit.buildDir="$root/target/pack" > "$work/mvn.log" 2>&1 || { cat "$work/mvn.log" >&2; die "the build failed (above)"; }
rm "$work/mvn.log"
jar="$(ls target/pack/qvit-*-cli.jar | head -n 1)"

# The jar without what no device run loads: JCuda's runtime, NVRTC and PTX-compiler natives (qvit uses the
# driver API only), JavaCPP's natives for libraries other than cudart and cublas, and the demo model.
cp "$jar" "$work/qvit-cli.jar"
zip -q -d "$work/qvit-cli.jar" 'lib/libJNvPTXCompiler*' 'lib/libJNvrtc*' 'lib/libJCudaRuntime*' \
  'org/bytedeco/cuda/linux-x86_64/libjnin*' 'org/bytedeco/cuda/linux-x86_64/libjnicu[fprs]*' \
  'org/bytedeco/cuda/linux-x86_64/libjnicudnn*' 'org/bytedeco/cuda/linux-x86_64/libjnicusolver*' \
  'org/bytedeco/cuda/linux-x86_64/libjnicusparse*' 'org/bytedeco/cuda/linux-x86_64/libjnicufile*' 'io/qvit/demo/*' >/dev/null

# The JRE: jdeps' modules, uncompressed inside (xz then does far better than jlink's zip), libjvm's symbol
# table stripped (its dynamic symbols stay).
modules="$(jdeps --print-module-deps --ignore-missing-deps --multi-release 17 "$work/qvit-cli.jar" 2>/dev/null | tail -n 1)"
[ -n "$modules" ] || die "jdeps found no modules in the CLI jar"
# The last pack's JRE is reused when it was made from the same JDK with the same modules (xz takes minutes).
jre_key="$modules $(readlink -f "$(command -v jlink)") $(java -version 2>&1 | head -n 1)"
if [ -f "$out/jre.tar.xz" ] && [ "$(cat "$out/jre.key" 2>/dev/null)" = "$jre_key" ]; then
  echo "pack.sh: reusing the last pack's JRE ($modules)" >&2
  cp "$out/jre.tar.xz" "$work/jre.tar.xz"
else
  echo "pack.sh: jlink $modules (xz takes minutes)..." >&2
  jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=0 \
    --strip-native-debug-symbols=exclude-debuginfo-files --output "$work/jre" > "$work/jlink.log" 2>&1 \
    || { cat "$work/jlink.log" >&2; die "jlink failed (above)"; }
  rm "$work/jlink.log"
  strip --strip-unneeded "$work/jre/lib/server/libjvm.so"
  rc=0
  "$work/jre/bin/java" --add-modules=jdk.incubator.vector -cp "$work/qvit-cli.jar" io.qvit.check.DeviceChecks >/dev/null 2>&1 || rc=$?
  [ "$rc" = 2 ] || die "the packed JRE cannot start the device checks (exit $rc, expected the usage exit 2)"
  tar -C "$work" -cf - jre | xz -9 -T2 > "$work/jre.tar.xz"
  rm -rf "$work/jre"
fi
echo "$jre_key" > "$work/jre.key"

# The data subset, in ../shared/data's layout.
mkdir -p "$work/data/models" "$work/data/imagenet-samples" "$work/data/ood/textures"
head -n $((n_imagenet + 1)) "$data/imagenet-samples/labels.csv" > "$work/data/imagenet-samples/labels.csv"
python3 - "$data/imagenet-samples" "$work/data/imagenet-samples" <<'PY'
import csv, os, shutil, sys
src, dst = sys.argv[1], sys.argv[2]
with open(os.path.join(dst, "labels.csv")) as f:
    for row in csv.DictReader(f):
        target = os.path.join(dst, row["file"])
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy(os.path.join(src, row["file"]), target)
PY
ls "$data/ood/textures" | sort | awk -v n="$n_textures" 'NR % int(600 / n) == 1' | head -n "$n_textures" \
  | while read -r f; do cp "$data/ood/textures/$f" "$work/data/ood/textures/"; done

# What travels besides .device: tracked files and untracked ones that git does not ignore.
tree_bytes="$( { git ls-files -z; git ls-files -z --others --exclude-standard; } | du -cb --files0-from=- | tail -n 1 | cut -f1)"
others="$(du -sb "$work" | cut -f1)"
f32_bytes="$(stat -c %s "$data/$weights")"
golden_bytes=$(( $(stat -c %s "$data/golden/golden_tench_input_1x3x224x224.f32") + $(stat -c %s "$data/golden/golden_tench_logits_1x1000.f32") ))
if [ "$weights_mode" = auto ]; then
  # a 2 MiB margin for the tree's growth between packing and sending
  if [ $((tree_bytes + others + f32_bytes + golden_bytes + 2 * 1024 * 1024)) -le "$limit" ]; then weights_mode=f32; else weights_mode=f16; fi
fi
if [ "$weights_mode" = f32 ]; then
  cp "$data/$weights" "$work/data/$weights"
  mkdir -p "$work/data/golden"
  cp "$data/golden/golden_tench_input_1x3x224x224.f32" "$data/golden/golden_tench_logits_1x1000.f32" "$work/data/golden/"
else
  # F16 weights move the logits by more than the golden check's 1e-3, so no golden: the check says it is absent.
  python3 "$root/bench/device/safetensors_f16.py" "$data/$weights" "$work/data/$weights"
fi
git rev-parse HEAD > "$work/COMMIT"
[ -z "$(git status --porcelain --untracked-files=no)" ] || echo "(uncommitted changes when packed)" >> "$work/COMMIT"

size() { du -sb "$1" | cut -f1; }
sizes="$(
  printf '%-44s %10s\n' "part" "bytes"
  printf '%-44s %10d\n' "working tree (tracked + untracked not ignored)" "$tree_bytes"
  printf '%-44s %10d\n' "jre.tar.xz (jlink, $(echo "$modules" | tr ',' '\n' | wc -l) modules)" "$(size "$work/jre.tar.xz")"
  printf '%-44s %10d\n' "qvit-cli.jar (natives: JCuda driver, cudart, cublas)" "$(size "$work/qvit-cli.jar")"
  printf '%-44s %10d\n' "data/models (ViT-Tiny, $weights_mode)" "$(size "$work/data/models")"
  [ -d "$work/data/golden" ] && printf '%-44s %10d\n' "data/golden" "$(size "$work/data/golden")"
  printf '%-44s %10d\n' "data/imagenet-samples ($n_imagenet images)" "$(size "$work/data/imagenet-samples")"
  printf '%-44s %10d\n' "data/ood/textures ($(ls "$work/data/ood/textures" | wc -l) images)" "$(size "$work/data/ood")"
)"
total=$((tree_bytes + $(size "$work")))
sizes="$sizes
$(printf '%-44s %10d  (%.1f MiB of 64 MiB)' "total sent with a run" "$total" "$(echo "$total / 1048576" | bc -l)")"
echo "$sizes" | tee "$work/SIZES.txt"
[ "$total" -le "$limit" ] || die "the run would send $total bytes, over the device tool's 64 MiB; lower N_IMAGENET or N_TEXTURES, or QVIT_PACK_WEIGHTS=f16"
rm -rf "$out"
mv "$work" "$out"
trap - EXIT
echo "pack.sh: packed into $out; send it with: run command 'bash bench/device/run.sh \$OUT', carry [\".device\"]" >&2
