#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for CI and for trying the Slurm path of balnet
# without a cluster: installs Debian's Slurm 22.05 and MUNGE where missing, writes a slurm.conf for
# this one node, and starts munged, slurmctld and slurmd by hand (no systemd), each detached into
# its own session so that it outlives the shell that started it (CI runs this script, then the
# tests). Safe to run again: what is installed, written or running already is left as it is.
# How jobs, signals, requeue and exit codes behave on it: docs/slurm.md.
#
# Usage (as root, on Debian 12 or a derivative with the same packages):
#   slurm-local.sh [start]   install, configure, start, wait until the node is idle
#   slurm-local.sh stop      stop the three daemons this script started
#   slurm-local.sh status    say what runs and show sinfo
# Environment: BALNET_SLURM_DIR, where state, logs and pid files go (default
#   /var/lib/balnet-slurm); BALNET_SLURM_WAIT, seconds to wait for the node (default 60).
# Exit status: 0 when the cluster is up (or stopped, for stop), 1 with the reason otherwise.
set -euo pipefail

dir=${BALNET_SLURM_DIR:-/var/lib/balnet-slurm}
wait_s=${BALNET_SLURM_WAIT:-60}
conf=/etc/slurm/slurm.conf
# The first line of every slurm.conf this script writes: a config without it belongs to someone
# else (a real cluster) and is never overwritten.
marker="# Written by balnet hosts/slurm-local.sh: a single-node cluster for CI and local trials."
# Debian's binary packages of the slurm-wlm source that a single node needs. The slurm-wlm
# metapackage would add 32 more (plugins for HDF5, InfluxDB, IPMI, ROCm SMI, ...), none used here.
packages=(munge slurmctld slurmd slurm-client)
# MUNGE's default socket directory, where Slurm's auth/munge looks. munged refuses a directory
# others can write to, and the Slurm daemons and clients must be able to enter it: mode 755.
munge_run=/run/munge

say() { printf 'slurm-local: %s\n' "$*"; }
die() { printf 'slurm-local: %s\n' "$*" >&2; exit 1; }

# The pid in FILE if that process is alive and is NAME, else nothing (a stale pid file may name a
# pid that another program has since been given).
live_pid() {
  local pid
  [ -s "$1" ] || return 1
  pid=$(cat "$1")
  [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ] && echo "$pid"
}

# Starts "$@" detached from this script: in a session of its own (neither a CI runner's clean-up of
# this step's process group nor a terminal's hangup reaches it), stdin from /dev/null, stdout and
# stderr appended to LOG, and no other inherited file descriptor (a daemon holding a CI runner's
# pipe open would keep the runner waiting for end of file).
detached() {
  local log=$1 fd
  shift
  (
    for fd in /proc/self/fd/*; do
      fd=${fd##*/}
      [ "$fd" -gt 2 ] && eval "exec $fd>&-"
    done 2>/dev/null
    exec setsid "$@" </dev/null >>"$log" 2>&1
  )
}

munge_works() { munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }

install_missing() {
  local need=() p
  for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
  done
  if [ ${#need[@]} -eq 0 ]; then
    say "packages present: ${packages[*]} ($(dpkg-query -W -f='${Version}' slurmd))"
    return
  fi
  say "installing: ${need[*]}"
  # Without a policy-rc.d (a fresh container has none) the packages' init scripts would start
  # the daemons with Debian's defaults during the install, and munge's postinst fails the install
  # when that start fails. This script starts them itself, so deny it for the install's duration.
  local policy=/usr/sbin/policy-rc.d placed=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# placed by balnet hosts/slurm-local.sh during apt-get install\nexit 101\n' > "$policy"
    chmod 755 "$policy"
    placed=1
  fi
  local rc=0 log="$dir/log/apt.log"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"; } \
    >"$log" 2>&1 || rc=$?
  [ -n "$placed" ] && rm -f "$policy"
  if [ $rc -ne 0 ]; then
    tail -20 "$log" >&2
    die "apt-get install ${need[*]} failed (exit $rc); the whole output is in $log"
  fi
  say "installed $(dpkg-query -W -f='${Package} ${Version}\n' "${need[@]}" | paste -sd ',' | sed 's/,/, /g')"
}

start_munge() {
  if munge_works; then
    say "munged already answers on $munge_run"
    return
  fi
  [ -s /etc/munge/munge.key ] || runuser -u munge -- mungekey --create
  mkdir -p "$munge_run" /var/log/munge /var/lib/munge
  chown munge:munge "$munge_run" /var/log/munge /var/lib/munge /etc/munge /etc/munge/munge.key
  chmod 755 "$munge_run"
  chmod 700 /var/log/munge /etc/munge
  chmod 400 /etc/munge/munge.key
  # munged daemonizes; as user munge, the owner of its key, as Debian's init script runs it.
  detached "$dir/log/munged.out" runuser -u munge -- munged \
    || die "munged did not start; see /var/log/munge/munged.log and $dir/log/munged.out"
  : > "$dir/run/munged.ours"
  local i
  for i in $(seq 20); do
    munge_works && { say "munged started ($(cat "$munge_run/munged.pid" 2>/dev/null || echo '?'))"; return; }
    sleep 0.5
  done
  die "munged started but a credential does not round-trip (munge -n | unmunge); see /var/log/munge/munged.log"
}

# The node as slurmd sees it ("NodeName=vm CPUs=2 Boards=1 ... RealMemory=23987"): configuring
# exactly what slurmd detects keeps it from draining the node for a mismatch.
write_conf() {
  local node_line node host
  node_line=$(slurmd -C | grep -m1 '^NodeName=') || die "slurmd -C printed no NodeName line"
  node=${node_line#NodeName=}
  node=${node%% *}
  host=$(hostname -s)
  if [ -e "$conf" ] && [ "$(head -1 "$conf")" != "$marker" ]; then
    die "$conf exists and was not written by this script; not touching a real cluster's configuration"
  fi
  local new="$dir/slurm.conf.new"
  cat > "$new" <<EOF
$marker
# Node line from \`slurmd -C\`. State, logs and pid files: $dir.
ClusterName=balnet
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
# A requeued job may start again cred_expire seconds after the requeue (Slurm's default: 120).
# One local node needs no margin for slow credential delivery; 10 s keeps requeue tests short.
AuthInfo=cred_expire=10
# No cgroups here (containers without systemd): processes are tracked through their parent pids.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
# Cores are the consumable resource; memory is not tracked, so tasks start whatever --mem says
# (up to RealMemory) and are never killed for memory by Slurm.
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
# Scheduling passes every 5 s instead of Slurm's 60 (main) and 30 (backfill): a task that becomes
# eligible without an event (a requeued task's begin time passing) starts within seconds.
SchedulerParameters=sched_interval=5,bf_interval=5
# A node that was down (slurmd restarted) comes back by itself.
ReturnToService=2
# Requeued jobs (scontrol requeue, --requeue) are allowed.
JobRequeue=1
# Seconds between SIGTERM and SIGKILL when a job is cancelled or reaches its time limit.
KillWait=30
# A finished job's record stays this many seconds (Slurm's default: 300). sbatch --wait polls after
# 2, 8, then every 32 s, but never more than every MinJobAge/2 s: 16 keeps its polls 8 s apart, so a
# finished study is seen within 8 s.
MinJobAge=16
# No mail is sent from here; without this slurmctld logs an error for Debian's missing mail program.
MailProg=/bin/true
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
$node_line NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=balnet Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
  mkdir -p /etc/slurm
  if [ -e "$conf" ] && cmp -s "$new" "$conf"; then
    rm -f "$new"
    say "$conf unchanged"
  else
    mv "$new" "$conf"
    conf_changed=1
    say "wrote $conf: $node_line"
  fi
}

start_daemon() {
  local name=$1
  local pid
  if pid=$(live_pid "$dir/run/$name.pid" "$name"); then
    say "$name already running ($pid)"
    return
  fi
  detached "$dir/log/$name.out" "/usr/sbin/$name" \
    || die "$name did not start; see $dir/log/$name.log and $dir/log/$name.out"
  local i
  for i in $(seq 20); do
    pid=$(live_pid "$dir/run/$name.pid" "$name") && { say "$name started ($pid)"; return; }
    sleep 0.5
  done
  die "$name exited at start; see $dir/log/$name.log and $dir/log/$name.out"
}

stop_daemon() {
  local name=$1 pid i
  if ! pid=$(live_pid "$2" "$name"); then
    say "$name not running"
    return
  fi
  kill "$pid"
  for i in $(seq 40); do
    kill -0 "$pid" 2>/dev/null || { say "stopped $name ($pid)"; return; }
    sleep 0.25
  done
  die "$name ($pid) still running 10 s after SIGTERM"
}

node_state() { sinfo -h -N -o '%t' 2>/dev/null | head -1; }

wait_idle() {
  local t0=$SECONDS state=""
  while [ $((SECONDS - t0)) -lt "$wait_s" ]; do
    state=$(node_state) || true
    case $state in
      idle|mix|alloc) return 0 ;;
      # "down" survives from an earlier run's state; ReturnToService=2 brings it back when slurmd
      # registers, and this makes sure of it.
      down*|drain*) scontrol update NodeName="$(sinfo -h -N -o '%N' | head -1)" State=RESUME 2>/dev/null || true ;;
    esac
    sleep 1
  done
  die "node not idle after $wait_s s (state: ${state:-no answer}); see $dir/log/slurmctld.log and $dir/log/slurmd.log"
}

start() {
  [ "$(id -u)" -eq 0 ] || die "must run as root (it installs packages and starts daemons)"
  mkdir -p "$dir"/{state,spool,run,log}
  install_missing
  start_munge
  conf_changed=""
  write_conf
  if [ -n "$conf_changed" ] && { live_pid "$dir/run/slurmctld.pid" slurmctld >/dev/null || live_pid "$dir/run/slurmd.pid" slurmd >/dev/null; }; then
    say "configuration changed: restarting slurmctld and slurmd"
    stop_daemon slurmd "$dir/run/slurmd.pid"
    stop_daemon slurmctld "$dir/run/slurmctld.pid"
  fi
  start_daemon slurmctld
  start_daemon slurmd
  wait_idle
  say "up: $(sinfo -h -o '%P %a %l %D %t %N') ($(sinfo -V)); logs and state in $dir"
}

stop() {
  # Only what this script's pid files name: a Slurm or MUNGE started otherwise is not ours to stop.
  stop_daemon slurmd "$dir/run/slurmd.pid"
  stop_daemon slurmctld "$dir/run/slurmctld.pid"
  if [ -e "$dir/run/munged.ours" ]; then
    stop_daemon munged "$munge_run/munged.pid"
    rm -f "$dir/run/munged.ours"
  else
    say "munged not started by this script: left running"
  fi
}

status() {
  local name pid
  for name in slurmctld slurmd; do
    if pid=$(live_pid "$dir/run/$name.pid" "$name"); then say "$name running ($pid)"; else say "$name not running"; fi
  done
  if munge_works; then say "munged answers"; else say "munged does not answer"; fi
  sinfo 2>&1 || true
}

case ${1:-start} in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) die "unknown command '$1': expected start, stop or status" ;;
esac
