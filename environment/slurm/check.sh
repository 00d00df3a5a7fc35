# The CI check of `peerkit sweep --slurm`, sourced by `cluster.sh check [--local-runs DIR]` (which
# defines start, stop and BASE). On a fresh single-node cluster it submits the smoke grid with
# member 1 failing on purpose (PEERKIT_SWEEP_FAULT=1, exit 3), cancels member 3 after its first
# checkpoint, then checks what --status reports, that --resubmit-failed sends exactly those two,
# that member 3 resumes from its checkpoint, and that every run's id and final metrics equal a local
# run's of the same grid. The daemons are stopped by PID on exit, also when a check fails.
grid="$PEERKIT_ROOT/notebooks/sweeps/smoke-4.json"
peerkit="$PEERKIT_ROOT/environment/peerkit"
work="$BASE/check"
local_runs=""
while [ $# -gt 0 ]; do
  case "$1" in
    --local-runs) local_runs="${2:?--local-runs needs a folder}"; shift 2 ;;
    *) die "unknown option '$1' (use --local-runs DIR)" ;;
  esac
done
passed=0; failed=0
ok() { echo "  ok    $*"; passed=$((passed + 1)); }
bad() { echo "  FAIL  $*"; failed=$((failed + 1)); }
check() { local what="$1"; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
finish() {
  local rc=$?
  stop
  for d in "${DAEMONS[@]}"; do
    if [ -n "${pids[$d]:-}" ] && alive "${pids[$d]}"; then bad "$d (pid ${pids[$d]}) still running after stop"; fi
  done
  if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then bad "the check stopped early (exit $rc)"; fi
  echo "slurm checks: $passed passed, $failed failed"
  [ "$failed" -eq 0 ] && [ "$rc" -eq 0 ]
}
trap finish EXIT

# Polls squeue until job $1 has left the queue (at most $2 seconds).
wait_job() {
  local deadline=$(( $(date +%s) + $2 ))
  while [ -n "$(squeue -h -j "$1" 2>/dev/null)" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { bad "job $1 still queued after $2 s"; scancel "$1"; return 1; }
    sleep 0.5
  done
}
status() { "$peerkit" sweep --grid "$grid" --runs "$work/runs" --status 2>/dev/null; }
# member N's column C of the status table ("      3  |  b6c2d2ae6960ab42  |  peer ... |"): C=3 is the run id
member() { status | awk -F' *[|] *' -v m="$1" -v c="$2" '$1+0 == m && $1 ~ /[0-9]/ {print $c}'; }
job_of() { sed -n 's/.* as Slurm job \([0-9]*\) .*/\1/p' "$1"; }

rm -rf "$work"; mkdir -p "$work"
stop >/dev/null
t0=$(date +%s)
start
declare -A pids
for d in "${DAEMONS[@]}"; do pids[$d]="$(cat "$BASE/run/$d.pid")"; done

if [ -z "$local_runs" ]; then
  local_runs="$work/local"
  echo "slurm: the same grid locally, to compare with"
  "$peerkit" sweep --grid "$grid" --runs "$local_runs" > "$work/local.log" 2>&1 || bad "local sweep (see $work/local.log)"
fi

# 1. submit: member 1 fails on purpose; member 3 is cancelled after its first checkpoint (every 5 steps)
PEERKIT_SWEEP_FAULT=1 "$peerkit" sweep --grid "$grid" --runs "$work/runs" --slurm --cpus 1 --mem 1G --time 10 \
  --checkpoint-every 5 > "$work/submit.log" 2>&1 || { cat "$work/submit.log"; die "peerkit sweep --slurm failed"; }
job=$(job_of "$work/submit.log")
check "submitted 4 members as job $job" grep -q "submitted 4 members of sweep 'smoke-4' as Slurm job [0-9]* (array 0-3)" "$work/submit.log"
id3=$(member 3 2)
deadline=$(( $(date +%s) + 300 ))
until ls "$work/runs/$id3/checkpoint" 2>/dev/null | grep -q '^step-'; do
  [ "$(date +%s)" -lt "$deadline" ] && [ -n "$(squeue -h -j "${job}_3" 2>/dev/null)" ] || break
  sleep 0.1
done
scancel "${job}_3"
wait_job "$job" 600 || true
status > "$work/status-1.txt"
check "member 1 reported failed with its exit code" grep -Eq "^ +1 .*\| +new +\| +${job}_1 +\| +failed \(exit 3\) " "$work/status-1.txt"
check "member 3 reported cancelled (signal 15) with a partial run" \
  grep -Eq "^ +3 .*\| +partial +\| +${job}_3 +\| +cancelled \(signal 15\) " "$work/status-1.txt"
check "members 0 and 2 complete" test "$(grep -Ec '^ +[02] .*\| +complete +\| .*completed' "$work/status-1.txt")" -eq 2

# 2. resubmit only the failed and the cancelled member, without the fault
"$peerkit" sweep --grid "$grid" --runs "$work/runs" --resubmit-failed > "$work/resubmit.log" 2>&1 || true
job2=$(job_of "$work/resubmit.log")
check "--resubmit-failed sent members 1 and 3" grep -q "submitted 2 members .* (array 1,3)" "$work/resubmit.log"
[ -n "$job2" ] && wait_job "$job2" 600 || true
status > "$work/status-2.txt"
check "every member complete after the resubmission" test "$(grep -Ec '^ +[0-3] .*\| +complete +\| .*completed' "$work/status-2.txt")" -eq 4
check "member 3 resumed from its checkpoint" grep -q "^run $id3 (resumed)" "$work/runs/sweeps/smoke-4/logs/${job2}_3.out"
check "peerkit runs shows the Slurm states" grep -q "completed (${job2}_1)" <("$peerkit" runs --runs "$work/runs" 2>/dev/null)

# 3. the same runs and final numbers as the local sweep (all but the wall time)
check "run ids and final metrics equal the local run's" /usr/bin/python3 - "$local_runs" "$work/runs" $(for m in 0 1 2 3; do grep -E "^ +$m " "$work/status-2.txt" | awk -F' *[|] *' '{print $2}'; done) <<'PY'
import json, sys
local, slurm, ids = sys.argv[1], sys.argv[2], sys.argv[3:]
bad = 0
for i in ids:
    a, b = (json.load(open(f"{d}/{i}/complete.json")) for d in (local, slurm))
    a.pop("trainSeconds"); b.pop("trainSeconds")
    if a != b:
        bad += 1; print(f"  run {i}: local {a}\n  slurm {b}")
sys.exit(1 if bad or len(ids) != 4 else 0)
PY
echo "slurm: check took $(( $(date +%s) - t0 )) s; files in $work"
