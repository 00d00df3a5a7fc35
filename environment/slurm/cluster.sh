#!/usr/bin/env bash
# A single-node Slurm cluster (Debian's slurm-wlm and munge) for testing `peerkit sweep --slurm`,
# as root and without systemd or cgroups. All its state lives under target/slurm/ (or $SLURM_BASE).
#
#   environment/slurm/cluster.sh start     install the packages if missing, start munged, slurmctld and
#                                          slurmd, wait until the node is idle; then
#                                          export SLURM_CONF=target/slurm/etc/slurm.conf
#   environment/slurm/cluster.sh stop      stop the three daemons by PID (their pid files), waiting for each
#   environment/slurm/cluster.sh check [--local-runs DIR]
#                                          start, run the smoke sweep through --slurm with one faulty and one
#                                          cancelled member, check, stop (also when a check fails); DIR holds
#                                          a local run of the same grid to compare with (else it runs one)
# `check` prints "slurm checks: N passed, M failed" last and exits non-zero on any failure.
source "$(dirname "$0")/../common.sh"
BASE="${SLURM_BASE:-$PEERKIT_ROOT/target/slurm}"
export SLURM_CONF="$BASE/etc/slurm.conf"
DAEMONS=(slurmd slurmctld munged)   # stop order: the node, the controller, then authentication

# alive PID: the process exists and is not a zombie (without an init system, exited daemons stay
# zombies until PID 1 reaps them, and kill -0 still succeeds on a zombie)
alive() { [ -r "/proc/$1/stat" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }

start() {
  need_apt slurm-wlm munge
  for d in "${DAEMONS[@]}"; do
    local f="$BASE/run/$d.pid"
    if [ -f "$f" ] && alive "$(cat "$f")"; then die "$d is already running (pid $(cat "$f")): run '$0 stop' first"; fi
  done
  mkdir -p "$BASE"/{etc,state,spool,log,run,munge}
  # munged wants its key private and its socket in a directory everyone may enter
  chmod 700 "$BASE/munge"; chmod 755 "$BASE" "$BASE/run"
  [ -f "$BASE/munge/munge.key" ] || mungekey -c -k "$BASE/munge/munge.key"
  chmod 600 "$BASE/munge/munge.key"
  munged --key-file="$BASE/munge/munge.key" --socket="$BASE/run/munge.socket" --pid-file="$BASE/run/munged.pid" \
         --log-file="$BASE/log/munged.log" --seed-file="$BASE/munge/munged.seed"
  write_conf
  slurmctld -i            # -i: start although the state directory is new
  slurmd -N localhost     # the node is called localhost in slurm.conf, whatever the host name
  local st=""
  for _ in $(seq 1 100); do
    st="$(sinfo -h -n localhost -o %T 2>/dev/null || true)"
    [ "$st" = idle ] && break
    sleep 0.2
  done
  [ "$st" = idle ] || die "the Slurm node did not become idle (state '$st'); logs in $BASE/log"
  echo "slurm: node idle; pids munged=$(cat "$BASE/run/munged.pid") slurmctld=$(cat "$BASE/run/slurmctld.pid")" \
       "slurmd=$(cat "$BASE/run/slurmd.pid"); export SLURM_CONF=$SLURM_CONF"
}

# No accounting database (sacct then says so and peerkit reads task files), no cgroups (task/none,
# proctrack/linuxproc: --mem is not enforced, which is why tasks size their JVM from it), and the
# completed-job log in a text file.
write_conf() {
  cat > "$SLURM_CONF" <<CONF
ClusterName=peerkit
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$BASE/run/munge.socket
CredType=cred/munge
MpiDefault=none
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$BASE/log/jobcomp.txt
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
StateSaveLocation=$BASE/state
SlurmdSpoolDir=$BASE/spool
SlurmctldPidFile=$BASE/run/slurmctld.pid
SlurmdPidFile=$BASE/run/slurmd.pid
SlurmctldLogFile=$BASE/log/slurmctld.log
SlurmdLogFile=$BASE/log/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
SchedulerType=sched/backfill
MinJobAge=300
NodeName=localhost CPUs=$(nproc) RealMemory=$(free -m | awk '/^Mem:/{print $2}') State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
}

stop() {
  [ -f "$SLURM_CONF" ] && command -v scancel >/dev/null 2>&1 && scancel --user="$(id -un)" 2>/dev/null || true
  for d in "${DAEMONS[@]}"; do
    local f="$BASE/run/$d.pid" pid
    [ -f "$f" ] || continue
    pid="$(cat "$f")"
    if alive "$pid"; then
      kill -TERM "$pid"
      for _ in $(seq 1 100); do alive "$pid" || break; sleep 0.05; done
      if alive "$pid"; then echo "slurm: $d (pid $pid) still up after 5 s: KILL"; kill -KILL "$pid"; fi
    fi
    rm -f "$f"
    echo "slurm: stopped $d (pid $pid)"
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  check) shift; source "$(dirname "$0")/check.sh" "$@" ;;
  -h|--help|"") sed -n '2,15p' "$0" ;;
  *) die "unknown command '$1' (use start, stop or check)" ;;
esac
