#!/usr/bin/env bash
# PEER, dense and coarse MoE against the PyTorch yardstick, alternating per configuration and never
# concurrently: the yardstick (bench.py, in its own default environment) and then PeerBench or
# FfwBench (JMH, with the environment the PEERkit launchers set). PKM, which the yardstick does not
# have, runs last on our side alone. Ratios are only meaningful within one sitting.
#   KINDS="dense128 dense1024 moe pkm" (FfwBench kinds after the PEER sizes; KINDS= or SIDES= skips a part)
#
#   lib/benchmarks/side-by-side.sh [OUT_DIR]        (after: mvn -B -q -pl lib/benchmarks -am package -DskipTests)
#   SIDES="128 1024" WI=10 IT=10 YARDSTICK=/path/to/yardstick PYTHON=/usr/bin/python3 lib/benchmarks/side-by-side.sh
# YARDSTICK: the folder of the PyTorch reference's bench.py (lib/README.md, The PEER reference).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="${1:-$ROOT/lib/benchmarks/target/side-by-side}"
YARDSTICK="${YARDSTICK:-}"
[[ -n "$YARDSTICK" && -f "$YARDSTICK/bench.py" ]] \
  || { echo "no bench.py in '$YARDSTICK': set YARDSTICK to the PyTorch reference's folder" >&2; exit 1; }
[[ -f "$ROOT/lib/benchmarks/target/classpath.txt" ]] \
  || { echo "build first: mvn -B -q -pl lib/benchmarks -am package -DskipTests" >&2; exit 1; }
CP="$ROOT/lib/benchmarks/target/classes:$(cat "$ROOT/lib/benchmarks/target/classpath.txt")"
mkdir -p "$OUT"
for s in ${SIDES-128 256 512 1024}; do
  echo "=== N=${s}² $(date +%T), load $(cut -d' ' -f1-3 /proc/loadavg)"
  (cd "$YARDSTICK" && env -u OMP_WAIT_POLICY -u OPENBLAS_THREAD_TIMEOUT -u GLIBC_TUNABLES "${PYTHON:-/usr/bin/python3}" bench.py \
     --suite main --only "^peer_${s}sq_" --peer-sqrt "$s" --no-sgemm --wait-idle 0 --retries 0 \
     --csv "$OUT/yardstick-$s.csv") > "$OUT/yardstick-$s.log" 2>&1
  grep -A3 "final table" "$OUT/yardstick-$s.log" | tail -2
  OMP_WAIT_POLICY=PASSIVE OPENBLAS_THREAD_TIMEOUT=4 GLIBC_TUNABLES=glibc.malloc.hugetlb=1 \
    java --add-modules=jdk.incubator.vector -cp "$CP" org.openjdk.jmh.Main PeerBench -p side="$s" \
    -wi "${WI:-10}" -i "${IT:-10}" -f 1 -jvmArgsAppend "-Xmx4g -Dorg.bytedeco.javacpp.maxbytes=16G" \
    -rf json -rff "$OUT/peerbench-$s.json" > "$OUT/peerbench-$s.log" 2>&1
  grep -E "^PeerBench|peak resident" "$OUT/peerbench-$s.log"
  # medians, to compare with the yardstick's medians
  python3 - "$OUT/peerbench-$s.json" <<'PY'
import json, statistics, sys
for b in json.load(open(sys.argv[1])):
    raw = [x for it in b["primaryMetric"]["rawData"] for x in it]
    print(f"  {b['benchmark'].rsplit('.', 1)[-1]}: median {statistics.median(raw):.1f} ms of {len(raw)}")
PY
done
# FfwBench kind -> the yardstick's config of the same shape (T = 4096, d_model 256; MoE 16 experts,
# top-2, hidden 64, as MoeConfig.defaults())
declare -A YARD=([dense128]=dense_ff128 [dense1024]=dense_ff1024 [moe]=moe_e16_k2_h64)
for k in ${KINDS-dense128 dense1024 moe pkm}; do
  echo "=== $k $(date +%T), load $(cut -d' ' -f1-3 /proc/loadavg)"
  if [[ -n "${YARD[$k]:-}" ]]; then
    (cd "$YARDSTICK" && env -u OMP_WAIT_POLICY -u OPENBLAS_THREAD_TIMEOUT -u GLIBC_TUNABLES "${PYTHON:-/usr/bin/python3}" bench.py \
       --suite main --only "^${YARD[$k]}\$" --no-sgemm --wait-idle 0 --retries 0 \
       --csv "$OUT/yardstick-$k.csv") > "$OUT/yardstick-$k.log" 2>&1
    grep -A3 "final table" "$OUT/yardstick-$k.log" | tail -2
  fi
  OMP_WAIT_POLICY=PASSIVE OPENBLAS_THREAD_TIMEOUT=4 GLIBC_TUNABLES=glibc.malloc.hugetlb=1 \
    java --add-modules=jdk.incubator.vector -cp "$CP" org.openjdk.jmh.Main FfwBench -p kind="$k" \
    -wi "${FWI:-3}" -i "${FIT:-5}" -f 1 -rf json -rff "$OUT/ffwbench-$k.json" > "$OUT/ffwbench-$k.log" 2>&1
  grep -E "^FfwBench|peak resident" "$OUT/ffwbench-$k.log"
  # tokens/s: ours (JMH mean) over the yardstick's (its fwd_tok_s and fwdbwd_tok_s)
  python3 - "$OUT/ffwbench-$k.json" "$OUT/yardstick-$k.csv" <<'PY'
import csv, json, os, sys
ours = {b["benchmark"].rsplit(".", 1)[-1]: b["primaryMetric"]["score"] for b in json.load(open(sys.argv[1]))}
yard = next(csv.DictReader(open(sys.argv[2]))) if os.path.exists(sys.argv[2]) else None
for bench, col in (("forward", "fwd_tok_s"), ("forwardBackward", "fwdbwd_tok_s")):
    line = f"  {bench}: ours {ours.get(bench, float('nan')):,.0f} tokens/s"
    if yard and yard.get(col):
        line += f", yardstick {float(yard[col]):,.0f} tokens/s, ratio {ours[bench] / float(yard[col]):.2f}x"
    print(line)
PY
done
echo "=== done $(date +%T)"
