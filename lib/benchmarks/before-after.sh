#!/usr/bin/env bash
# The sweeps' training steps (SweepBenchMain) of two checkouts alternated, one shape group at a time
# and in turn (before-after, then after-before), so a drift in the machine's speed hits both sides.
# Both checkouts need the benchmarks built (mvn -B -q -pl lib/benchmarks -am package -DskipTests) and
# SweepShapes/SweepStepBench/SweepBenchMain in their lib/benchmarks; the shapes come from AFTER's sweeps.
#   lib/benchmarks/before-after.sh BEFORE_ROOT AFTER_ROOT OUT_DIR "02-dense.* 03-.*" [WARMUP ITERS]
set -uo pipefail
B="$1"; A="$2"; OUT="$3"; GROUPS_="$4"; WI="${5:-2}"; IT="${6:-3}"
mkdir -p "$OUT"
export OMP_WAIT_POLICY=PASSIVE OPENBLAS_THREAD_TIMEOUT=4 GLIBC_TUNABLES=glibc.malloc.hugetlb=1
run() {  # root label regex
  local cp="$1/lib/benchmarks/target/classes:$(cat "$1/lib/benchmarks/target/classpath.txt")"
  echo "=== $2 '$3' $(date +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  (cd "$1" && java --add-modules=jdk.incubator.vector -cp "$cp" -Dpeerkit.sweeps="$A/notebooks/sweeps" \
     org.peerkit.bench.SweepBenchMain "$3" "$WI" "$IT" 2>&1 | grep -E "^\||^sgemm")
}
i=0
for g in $GROUPS_; do
  i=$((i+1))
  if (( i % 2 )); then run "$B" before "$g"; run "$A" after "$g"; else run "$A" after "$g"; run "$B" before "$g"; fi
done | tee "$OUT/ab.log"
