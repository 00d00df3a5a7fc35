#!/usr/bin/env bash
# PEERkit on an NVIDIA GPU: builds the CUDA variant, prints the doctor (device, driver, CUDA
# versions, memory), runs the gpu-tagged tests (reference, gradient, equivalence, LM and trainer
# tests rerun on the device with the ND4J-ops kernels), then the PEER benchmark at the yardstick's
# sizes and at paper scale. Logs and JMH results go to target/gpu/.
#
#   environment/gpu.sh [--no-bench]
#
# Environment: PEERKIT_CUDA_REDIST=1 adds bytedeco's CUDA 11.6 runtime jar (1.8 GB) for hosts
# without a CUDA 11 runtime. Afterwards run environment/jupyter.sh with PEERKIT_BACKEND=cuda.
source "$(dirname "$0")/common.sh"
export PEERKIT_BACKEND=cuda

bench=1
case "${1:-}" in
  --no-bench) bench=0 ;;
  "") ;;
  -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
  *) die "unknown option '$1' (use --no-bench)" ;;
esac

[ -r /proc/driver/nvidia/version ] || die "no NVIDIA driver on this machine (/proc/driver/nvidia/version is missing): the CUDA backend needs one"
check_java
out="$PEERKIT_ROOT/target/gpu"
mkdir -p "$out"
profiles="$(maven_profiles)"

say "building (mvn $profiles install)"
(cd "$PEERKIT_ROOT" && mvn -B -q $profiles -DskipTests install) || die "CUDA build failed"
command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi | tee "$out/nvidia-smi.txt"

say "doctor on CUDA"
"$PEERKIT_ROOT/environment/peerkit" doctor | tee "$out/doctor.txt"

say "gpu-tagged tests (mvn $profiles -pl lib test -Dgroups=gpu)"
rc=0
(cd "$PEERKIT_ROOT" && mvn -B $profiles -pl lib test -Dgroups=gpu -DexcludedTestGroups=none) > "$out/tests.log" 2>&1 || rc=$?
grep -E "Tests run:|FAIL|ERROR" "$out/tests.log" | tail -20

if [ "$bench" -eq 1 ]; then
  cp="$PEERKIT_ROOT/lib/benchmarks/target/classes:$(cat "$PEERKIT_ROOT/lib/benchmarks/target/classpath.txt")"
  say "PEER benchmark, yardstick sizes (d_model 256, T = 4096)"
  java --add-modules=jdk.incubator.vector -cp "$cp" org.openjdk.jmh.Main PeerBench -wi 2 -i 5 -f 1 -rf json -rff "$out/peer-yardstick.json" \
    | tee "$out/peer-yardstick.txt"
  say "PEER benchmark, paper scale (d_model 1024, N = 1024²)"
  java --add-modules=jdk.incubator.vector -cp "$cp" org.openjdk.jmh.Main PeerBench -p side=1024 -p dModel=1024 -wi 2 -i 5 -f 1 \
    -rf json -rff "$out/peer-paper.json" | tee "$out/peer-paper.txt"
fi
[ "$rc" -eq 0 ] || die "gpu tests failed (see $out/tests.log)"
say "done: $out"
