#!/usr/bin/env bash
# A one-node Slurm cluster on 127.0.0.1 for trying and testing `pipeline run --executor slurm`.
#
#   scripts/slurm-local.sh start    # writes /etc/slurm/slurm.conf, starts munged, slurmctld, slurmd; waits until idle
#   scripts/slurm-local.sh status   # sinfo + the daemons' pids
#   scripts/slurm-local.sh stop     # stops the three daemons this script started
#
# Needs root and Debian's packages: apt-get install -y slurm-wlm munge. No systemd needed: the daemons run
# in the background with their pid files and logs under /var/run/slurm-local and /var/log/slurm-local.
# Pitfalls found on Debian 12 (Slurm 22.05) are written next to the lines that avoid them.
set -euo pipefail

RUN=/var/run/slurm-local
LOG=/var/log/slurm-local
CONF=/etc/slurm/slurm.conf

need_root() {
  if [ "$(id -u)" -ne 0 ]; then echo "slurm-local: must run as root" >&2; exit 2; fi
  for tool in slurmctld slurmd munged sinfo; do
    command -v "$tool" >/dev/null || { echo "slurm-local: '$tool' missing; apt-get install -y slurm-wlm munge" >&2; exit 2; }
  done
}

write_config() {
  local hardware mem
  # The node line must match what slurmd detects (sockets/cores), or slurmd logs "Node reconfigured socket/core
  # boundaries" and may be drained: take the layout from `slurmd -C`. CPUs=$(nproc) alone is not enough.
  hardware=$(slurmd -C | head -1 | grep -oE 'CPUs=[0-9]+ Boards=[0-9]+ SocketsPerBoard=[0-9]+ CoresPerSocket=[0-9]+ ThreadsPerCore=[0-9]+')
  # RealMemory must not exceed what slurmd sees, or the node is drained as "Low RealMemory"; leave headroom.
  mem=$(( $(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo) * 9 / 10 ))
  mkdir -p /etc/slurm "$RUN" "$LOG" /var/spool/slurmctld /var/spool/slurmd
  cat > "$CONF" <<EOF
# Written by scripts/slurm-local.sh: one node, this machine, everything as root.
ClusterName=local
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=$RUN/slurmctld.pid
SlurmdPidFile=$RUN/slurmd.pid
SlurmctldLogFile=$LOG/slurmctld.log
SlurmdLogFile=$LOG/slurmd.log
# Track job processes without cgroups (cgroup tracking needs a writable cgroup tree, often missing in containers).
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
# Cores and memory are consumable resources, so several jobs share the node.
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
# No slurmdbd: sacct has no data; the driver reads squeue, kept for MinJobAge seconds after a job ends.
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MinJobAge=300
# Fast turnaround for tiny jobs: no 'defer' (a bare flag that postpones scheduling at submit),
# and no batch_sched_delay (default 3 s: a chain of jobs then waits 2-3 s between jobs; measured in docs/scale.md).
SchedulerParameters=sched_min_interval=0,batch_sched_delay=0
# Without a default, a job that asks for no memory is given the whole node's, so jobs run one at a time.
DefMemPerCPU=$(( mem / $(nproc) / 2 ))
SchedulerType=sched/backfill
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
MpiDefault=none
NodeName=localhost NodeAddr=127.0.0.1 $hardware RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
  # No cgroup.conf: Slurm 22.05 has no 'CgroupPlugin=disabled' (slurmd then fails with "cannot find cgroup plugin
  # for disabled"); without the file it autodetects cgroup v1/v2 and, with proctrack/linuxproc, only probes it.
}

start_munge() {
  if munge -n >/dev/null 2>&1; then return; fi
  # The package ships a key, but a fresh container may lack one (or have wrong ownership): munged refuses to start.
  if [ ! -s /etc/munge/munge.key ]; then
    dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null
  fi
  chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge
  # munged must run as the munge user; as root it refuses ("running with root privileges").
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 1 50); do munge -n >/dev/null 2>&1 && return; sleep 0.1; done
  echo "slurm-local: munged did not come up" >&2; exit 1
}

start() {
  need_root
  write_config
  start_munge
  if ! pid_alive slurmctld; then slurmctld -f "$CONF"; fi
  # -N: the node is 'localhost' whatever the machine's hostname (slurmd otherwise looks its hostname up in the config).
  if ! pid_alive slurmd; then slurmd -N localhost -f "$CONF"; fi
  # The node registers as idle a moment after slurmd starts; wait (bounded) so the first sbatch is not refused.
  for _ in $(seq 1 120); do
    state=$(sinfo -h -N -o '%t' 2>/dev/null | head -1 || true)
    case "$state" in
      idle|mix|alloc) echo "slurm-local: cluster up ($(nproc) CPUs, partition debug)"; return 0 ;;
      drain*|down*) scontrol update NodeName=localhost State=RESUME >/dev/null 2>&1 || true ;;
    esac
    sleep 0.5
  done
  echo "slurm-local: node did not become idle; see $LOG/slurmctld.log and $LOG/slurmd.log" >&2
  sinfo -N -l >&2 || true
  exit 1
}

pid_alive() {
  local file="$RUN/$1.pid"
  [ -s "$file" ] && kill -0 "$(cat "$file")" 2>/dev/null
}

stop() {
  for daemon in slurmd slurmctld; do
    if pid_alive "$daemon"; then kill "$(cat "$RUN/$daemon.pid")"; fi
  done
  for _ in $(seq 1 50); do pid_alive slurmd || pid_alive slurmctld || break; sleep 0.1; done
  if [ -s /run/munge/munged.pid ] && kill -0 "$(cat /run/munge/munged.pid)" 2>/dev/null; then
    local munged
    munged=$(cat /run/munge/munged.pid)
    kill "$munged"
    # A restart right after stop must not find the old munged still exiting (its socket is already gone).
    for _ in $(seq 1 50); do kill -0 "$munged" 2>/dev/null || break; sleep 0.1; done
  fi
  echo "slurm-local: stopped"
}

status() {
  for daemon in slurmctld slurmd; do
    if pid_alive "$daemon"; then echo "$daemon: running (pid $(cat "$RUN/$daemon.pid"))"; else echo "$daemon: not running"; fi
  done
  sinfo -N -l 2>/dev/null || { echo "sinfo: no controller reachable"; return 1; }
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
