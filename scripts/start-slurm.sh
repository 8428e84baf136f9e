#!/usr/bin/env bash
# Starts a single-node Slurm cluster from the Debian packages (munge,
# slurmctld, slurmd, slurm-client) for the cluster-executor tests, and
# exports INFX_TEST_SLURM=1 once `sbatch` works. Sourced by
# scripts/start-services.sh (it also works when executed, for a manual
# start: `source scripts/start-slurm.sh`).
#
# The cluster: /etc/slurm/slurm.conf written here (node line from
# `slurmd -C`; proctrack/linuxproc, task/none, no accounting, SlurmUser
# root), munged, slurmctld and slurmd, state under $INFX_SLURM_DIR
# (default /tmp/infx-slurm). Idempotent: a cluster that already answers
# `scontrol ping` with an idle node is reused. Needs root (it writes
# /etc/slurm and runs the daemons). On failure it prints why and leaves
# INFX_TEST_SLURM unset (Slurm tests then skip, or fail when CI=true)
# without aborting the caller.

infx_slurm_node_ready() {
  local state
  state="$(sinfo -h -N -o '%T' 2>/dev/null | head -n 1)"
  case "$state" in idle*|mixed*|allocated*|completing*) return 0 ;; esac
  return 1
}

infx_start_slurm() {
  local dir="${INFX_SLURM_DIR:-/tmp/infx-slurm}"
  local conf=/etc/slurm/slurm.conf
  for bin in munged slurmctld slurmd sbatch scontrol sinfo; do
    if ! command -v "$bin" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$bin" ]; then
      echo "start-slurm: $bin not found (apt-get install munge slurmctld" \
           "slurmd slurm-client)" >&2
      return 1
    fi
  done
  if [ "$(id -u)" -ne 0 ]; then
    echo "start-slurm: needs root to write $conf and run the daemons" >&2
    return 1
  fi
  if scontrol ping 2>/dev/null | grep -q 'is UP' && infx_slurm_node_ready; then
    export INFX_TEST_SLURM=1
    echo "start-slurm: reusing the running Slurm cluster"
    return 0
  fi
  mkdir -p "$dir/ctld" "$dir/d" "$dir/log" /etc/slurm /run/munge \
    /var/log/munge /var/lib/munge || return 1

  # munge: a key, then the daemon (as the munge user when it exists).
  if [ ! -s /etc/munge/munge.key ]; then
    mkdir -p /etc/munge
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 2>/dev/null
  fi
  if id munge >/dev/null 2>&1; then
    chown munge:munge /etc/munge /etc/munge/munge.key /run/munge \
      /var/log/munge /var/lib/munge
  fi
  chmod 400 /etc/munge/munge.key
  if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    if id munge >/dev/null 2>&1; then
      runuser -u munge -- /usr/sbin/munged || return 1
    else
      /usr/sbin/munged --force || return 1
    fi
  fi

  local host node
  host="$(hostname -s)"
  node="$(slurmd -C 2>/dev/null | head -n 1)"
  if [ -z "$node" ]; then
    echo "start-slurm: slurmd -C printed no node line" >&2
    return 1
  fi
  cat >"$conf" <<CONF
# Written by infx scripts/start-slurm.sh: a single-node test cluster.
ClusterName=infx
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
StateSaveLocation=$dir/ctld
SlurmdSpoolDir=$dir/d
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
MinJobAge=600
KillWait=5
InactiveLimit=0
$node State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF

  if ! scontrol ping 2>/dev/null | grep -q 'is UP'; then
    /usr/sbin/slurmctld -i >>"$dir/log/start.log" 2>&1 || {
      echo "start-slurm: slurmctld did not start, see $dir/log" >&2
      return 1
    }
  fi
  if ! pgrep -x slurmd >/dev/null 2>&1; then
    /usr/sbin/slurmd >>"$dir/log/start.log" 2>&1 || {
      echo "start-slurm: slurmd did not start, see $dir/log" >&2
      return 1
    }
  fi
  local i
  for i in $(seq 1 60); do
    if scontrol ping 2>/dev/null | grep -q 'is UP'; then
      infx_slurm_node_ready && break
      # A node left DOWN/DRAIN by an earlier cluster comes back on resume.
      scontrol update NodeName="$(echo "${node#NodeName=}" | cut -d" " -f1)" State=RESUME \
        >/dev/null 2>&1 || true
    fi
    sleep 0.5
  done
  if ! infx_slurm_node_ready; then
    echo "start-slurm: the node did not become idle, see $dir/log" >&2
    return 1
  fi
  export INFX_TEST_SLURM=1
  echo "start-slurm: Slurm is up (node $host, $conf)"
}

if ! infx_start_slurm; then
  echo "start-slurm: Slurm unavailable; its tests will skip" \
       "(or fail when CI=true)" >&2
fi
unset -f infx_start_slurm infx_slurm_node_ready
true
