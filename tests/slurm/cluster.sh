#!/usr/bin/env bash
# A single-node SLURM cluster on this machine, for the tests: four GPU generic resources backed
# by dummy device files (SLURM sets CUDA_VISIBLE_DEVICES from them; no real GPU is needed), no
# accounting database, every daemon and file of its own under one state folder.
#
#   tests/slurm/cluster.sh install        Debian packages slurmctld, slurmd, slurm-client, munge
#   tests/slurm/cluster.sh start DIR      munged, slurmctld, slurmd with their files under DIR
#   tests/slurm/cluster.sh stop DIR       stops the daemons that `start DIR` started, by PID
#
# Needs root (the daemons run as root and jobs run as the submitting user).  Clients find the
# cluster through /etc/slurm/slurm.conf, a link to DIR/slurm.conf while the cluster runs (jobs
# lose SLURM_CONF from their environment); a machine with a slurm.conf of its own is refused.
# The machine's own munge is left alone.
set -euo pipefail

# declared to SLURM, whatever the machine has: room for four GPU jobs of the profile's size at once
CPUS=${TEXTVAE_SLURM_CPUS:-16}
MEMORY_MB=${TEXTVAE_SLURM_MEMORY_MB:-256000}
GPUS=${TEXTVAE_SLURM_GPUS:-4}
DAEMONS=(slurmd slurmctld munged)     # stopped in this order

die() { echo "cluster.sh: $*" >&2; exit 1; }

install_packages() {
    [ "$(id -u)" = 0 ] || die "installing SLURM needs root"
    command -v apt-get >/dev/null || die "installing SLURM needs apt-get (Debian or Ubuntu)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null \
        || { apt-get update -q >/dev/null && \
             apt-get install -y -q --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null; } \
        || die "apt-get could not install slurmctld slurmd slurm-client munge"
}

write_config() {
    local dir=$1 host=$2
    cat > "$dir/slurm.conf" <<CONF
ClusterName=textvae-test
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
AuthInfo=socket=$dir/munge.socket
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=1000
MinJobAge=300
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
StateSaveLocation=$dir/slurmctld
SlurmdSpoolDir=$dir/slurmd
SlurmdParameters=config_overrides
GresTypes=gpu
NodeName=$host NodeAddr=127.0.0.1 CPUs=$CPUS Boards=1 SocketsPerBoard=1 CoresPerSocket=$CPUS ThreadsPerCore=1 RealMemory=$MEMORY_MB Gres=gpu:$GPUS State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
    # a GPU resource needs a device file; these are copies of /dev/null
    : > "$dir/gres.conf"
    for i in $(seq 0 $((GPUS - 1))); do
        [ -e "/dev/fakegpu$i" ] || mknod -m 666 "/dev/fakegpu$i" c 1 3
        echo "NodeName=$host Name=gpu File=/dev/fakegpu$i" >> "$dir/gres.conf"
    done
}

start() {
    local dir host
    [ "$(id -u)" = 0 ] || die "starting SLURM daemons needs root"
    mkdir -p "$1" && dir=$(cd "$1" && pwd)
    host=$(hostname -s)
    mkdir -p "$dir/slurmctld" "$dir/slurmd"
    chmod 700 "$dir"
    if [ -e /etc/slurm/slurm.conf ] && [ ! -L /etc/slurm/slurm.conf ]; then
        die "/etc/slurm/slurm.conf exists: this machine has a SLURM of its own; not touching it"
    fi
    write_config "$dir" "$host"
    mkdir -p /etc/slurm && ln -sfn "$dir/slurm.conf" /etc/slurm/slurm.conf
    [ -s "$dir/munge.key" ] || { head -c 1024 /dev/urandom > "$dir/munge.key"; chmod 600 "$dir/munge.key"; }
    munged --force --socket="$dir/munge.socket" --key-file="$dir/munge.key" \
        --pid-file="$dir/munged.pid" --log-file="$dir/munged.log" --seed-file="$dir/munged.seed"
    slurmctld -f "$dir/slurm.conf"
    slurmd -f "$dir/slurm.conf"
    for _ in $(seq 60); do
        case $(sinfo -h -N -o %T 2>/dev/null) in
            idle*) return 0 ;;
            drain*|down*) scontrol update nodename="$host" state=resume 2>/dev/null || true ;;
        esac
        sleep 0.5
    done
    die "the node did not become idle within 30 s; see $dir/slurmctld.log and $dir/slurmd.log"
}

stop() {
    local dir=$1 name pid
    for name in "${DAEMONS[@]}"; do
        [ -s "$dir/$name.pid" ] || continue
        pid=$(cat "$dir/$name.pid")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$pid" 2>/dev/null || true
        rm -f "$dir/$name.pid"
    done
    if [ "$(readlink /etc/slurm/slurm.conf 2>/dev/null)" = "$dir/slurm.conf" ]; then
        rm -f /etc/slurm/slurm.conf
    fi
}

case ${1:-} in
    install) install_packages ;;
    start) [ $# = 2 ] || die "usage: cluster.sh start DIR"; start "$2" ;;
    stop) [ $# = 2 ] || die "usage: cluster.sh stop DIR"; stop "$2" ;;
    *) die "usage: cluster.sh install | start DIR | stop DIR" ;;
esac
