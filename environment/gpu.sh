#!/usr/bin/env bash
# PEERkit on an NVIDIA GPU, in two halves (the GPU machine has no Java, no Maven, no network):
#
#   environment/gpu.sh bundle   on a developer/CI machine (JDK 17 + Maven, Temurin 25, nvcc 13):
#       builds target/gpu-bundle (<= 64 MiB): a jlinked Java 25 runtime (tar.xz), peerkit-cuda.jar
#       with its cubins and jackson-core, the golden files written by lib's float64 paths, and the
#       PyTorch PEER layer the comparison runs (peer_ref.py, copied from the folder PEERKIT_YARDSTICK
#       names; it is not part of this repository, and without it the device run skips PyTorch).
#   environment/gpu.sh device   on the GPU machine, with target/gpu-bundle carried there:
#       the GPU and driver, the golden suite (every kernel and two whole decoder-LM training steps
#       against the CPU's float64 results), whole LM training steps (tokens/s, MFU), then PEER
#       forward and forward+backward at the yardstick's sizes and at paper scale (d_model 1024,
#       N = 1024^2) against PyTorch eager on the same GPU, as ratios, with tokens/s and MFU.
#       Logs go to $OUT (when set, as on a lent device machine) or target/gpu. Under 5 minutes.
#
# Environment: PEERKIT_JDK (default /usr/lib/jvm/temurin-25-jdk-amd64), PEERKIT_YARDSTICK,
# PEERKIT_PYTHON (device; default /opt/torch/.venv/bin/python3).
source "$(dirname "$0")/common.sh"

bundle="$PEERKIT_ROOT/target/gpu-bundle"
limit=$((64 * 1024 * 1024))

# --- bundle (CPU side) ----------------------------------------------------------------------------
jar_has_sm90() {
  /usr/bin/python3 - "$1" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
mods = [n for n in names if n.endswith(".sm_90.cubin")]
print(len(mods))
sys.exit(0 if len(mods) >= 3 else 1)
PY
}

make_runtime() {
  local jdk="${PEERKIT_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}" tmp
  [ -x "$jdk/bin/jlink" ] || die "no JDK 22+ at $jdk (jlink missing): install Temurin 25 there or set PEERKIT_JDK"
  [ -f "$bundle/runtime.tar.xz" ] && [ "$bundle/runtime.tar.xz" -nt "$jdk/release" ] && return 0
  say "jlinking a Java runtime from $jdk (java.base only: FFM is in it; jackson-core needs nothing else)"
  tmp="$(mktemp -d)"
  "$jdk/bin/jlink" --add-modules java.base --strip-debug --no-header-files --no-man-pages \
    --compress=zip-9 --output "$tmp/jre"
  command -v strip >/dev/null 2>&1 && strip --strip-unneeded "$tmp/jre/lib/server/libjvm.so"
  XZ_OPT=-9 tar -C "$tmp" -cJf "$bundle/runtime.tar.xz.tmp" jre
  mv "$bundle/runtime.tar.xz.tmp" "$bundle/runtime.tar.xz"
  rm -rf "$tmp"
}

make_bundle() {
  check_java
  mkdir -p "$bundle/lib"
  say "building lib and lib/cuda (mvn package)"
  (cd "$PEERKIT_ROOT" && mvn -B -q -pl lib,lib/cuda -am package -DskipTests) || die "build failed"
  local cuda_jar lib_jar
  cuda_jar="$(ls "$PEERKIT_ROOT"/lib/cuda/target/peerkit-cuda-*.jar | head -1)"
  lib_jar="$(ls "$PEERKIT_ROOT"/lib/target/peerkit-lib-*.jar | grep -v -e sources -e javadoc | head -1)"
  jar_has_sm90 "$cuda_jar" >/dev/null || die "$cuda_jar holds no sm_90 cubins (nvcc was missing): build on a machine with CUDA 13's nvcc"
  [ -f "$PEERKIT_ROOT/lib/cuda/target/classes/org/peerkit/cuda/CudaMain.class" ] \
    || die "the CUDA launcher was not compiled (no JDK 22+): install Temurin 25 at /usr/lib/jvm/temurin-25-jdk-amd64"
  rm -f "$bundle"/lib/*.jar
  cp "$cuda_jar" "$bundle/lib/peerkit-cuda.jar"
  tr ':' '\n' < "$PEERKIT_ROOT/lib/cuda/target/classpath.txt" | xargs -r -I{} cp {} "$bundle/lib/"
  say "golden files (org.peerkit.golden.GoldenWriter, float64 on the CPU)"
  rm -rf "$bundle/golden"
  java --add-modules=jdk.incubator.vector -cp "$lib_jar:$(cat "$PEERKIT_ROOT/lib/target/classpath.txt")" \
    org.peerkit.golden.GoldenWriter "$bundle/golden" 2>&1 | grep -v "incubator modules" || die "golden files failed"
  make_runtime
  local yard="${PEERKIT_YARDSTICK:-}"
  rm -rf "$bundle/yardstick"
  if [ -f "$yard/peer_ref.py" ]; then
    mkdir -p "$bundle/yardstick" && cp "$yard/peer_ref.py" "$bundle/yardstick/"
  else
    printf 'warning: no peer_ref.py in %s (set PEERKIT_YARDSTICK): the device run will skip PyTorch\n' "$yard" >&2
  fi
  local bytes tree
  bytes="$(du -sb "$bundle" | cut -f1)"
  tree="$(cd "$PEERKIT_ROOT" && git ls-files -z | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)"
  say "bundle: $bundle, $(( bytes / 1024 / 1024 )) MiB + $(( tree / 1024 / 1024 )) MiB of tracked files (limit 64 MiB)"
  [ $((bytes + tree)) -le "$limit" ] || die "the bundle and the tree exceed 64 MiB ($((bytes + tree)) bytes)"
  say "on the GPU machine, with target/gpu-bundle carried: bash environment/gpu.sh device"
}

# --- device (GPU side, no Java or Maven installed) ------------------------------------------------
unpack_runtime() {
  local jre="$1"
  [ -x "$jre/bin/java" ] && return 0
  mkdir -p "$(dirname "$jre")"
  if command -v xz >/dev/null 2>&1; then
    tar -C "$(dirname "$jre")" -xJf "$bundle/runtime.tar.xz"
  else
    "$py" -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$bundle/runtime.tar.xz" "$(dirname "$jre")"
  fi
}

# Sets PEERKIT_CUBLAS and LD_LIBRARY_PATH (for libcublasLt beside it) when cuBLAS 13 is found;
# called outside a pipeline so the exports reach the Java steps.
find_cublas() {
  local f
  f="$(find /opt/torch/.venv /usr/local/cuda* /usr/lib/x86_64-linux-gnu -name 'libcublas.so.13*' 2>/dev/null | head -1 || true)"
  if [ -n "$f" ]; then
    export PEERKIT_CUBLAS="$f"
    export LD_LIBRARY_PATH="$(dirname "$f")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  fi
}

run_device() {
  [ -f "$bundle/runtime.tar.xz" ] || die "no bundle at $bundle: run 'environment/gpu.sh bundle' on a build machine and carry target/gpu-bundle"
  [ -r /proc/driver/nvidia/version ] || die "no NVIDIA driver on this machine (/proc/driver/nvidia/version is missing): run this on the GPU machine"
  out="${OUT:-$PEERKIT_ROOT/target/gpu}"
  py="${PEERKIT_PYTHON:-/opt/torch/.venv/bin/python3}"
  mkdir -p "$out"
  local jre=/tmp/peerkit-jre/jre rc=0
  command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv | tee "$out/nvidia-smi.csv"
  unpack_runtime "$jre"
  find_cublas
  echo "cublas: ${PEERKIT_CUBLAS:-not found by find; the launcher searches its own list}" | tee "$out/cublas.txt"
  local java=("$jre/bin/java" --enable-native-access=ALL-UNNAMED -cp "$bundle/lib/*" org.peerkit.cuda.CudaMain)
  say "golden suite (every kernel against lib's float64 results)"
  timeout 180 "${java[@]}" golden "$bundle/golden" 2>&1 | tee "$out/golden.txt" || rc=1
  say "decoder-LM training step on the device (dense and PEER; tokens/s and MFU from lib's FLOP counts)"
  timeout 120 "${java[@]}" lmbench "$bundle/golden" "$out/lm-ours.csv" 2>&1 | tee "$out/lm-bench.txt" || rc=1
  say "PEER benchmark, ours (FP32 and TF32 GEMMs)"
  timeout 240 "${java[@]}" bench "$out/peer-ours.csv" 2>&1 | tee "$out/bench-ours.txt" || rc=1
  if [ -f "$bundle/yardstick/peer_ref.py" ] && [ -x "$py" ]; then
    say "PEER benchmark, PyTorch eager on the same GPU, and the ratios"
    timeout 300 "$py" "$PEERKIT_ROOT/lib/cuda/src/main/python/peer_torch_bench.py" --yardstick "$bundle/yardstick" \
      --csv "$out/peer-torch.csv" --ours "$out/peer-ours.csv" 2>&1 | tee "$out/ratios.txt" || rc=1
  else
    echo "PyTorch comparison skipped (no bundle/yardstick/peer_ref.py or no $py)" | tee "$out/ratios.txt"
  fi
  [ "$rc" -eq 0 ] || die "a device step failed (logs in $out)"
  say "done: $out"
}

case "${1:-}" in
  bundle) make_bundle ;;
  device) run_device ;;
  -h|--help|"") sed -n '2,18p' "$0"; [ -n "${1:-}" ] || exit 64; exit 0 ;;
  *) die "unknown command '$1' (use bundle or device)" ;;
esac
