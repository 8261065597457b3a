#!/usr/bin/env bash
# First run of balnet on a GPU host (docs/opencl.md, "The GPU bundle"): probes the OpenCL setup and repairs what is
# missing, printing every step; then `balnet devices`, the CPU-versus-OpenCL equivalence check, and
# `bench` at n = 1e6, 1e7, 1e8, 1e9 per population in fp64 and fp32 (a run that does not fit the
# device is refused by balnet with the numbers, and the script goes on); with several GPUs, a network
# split over all of them (byte-identical to one GPU, and bench at n = 1e9, 1e10). Everything goes to one log:
# $OUT/gpu-check.log when OUT is set, else ./gpu-check.log.
#
# Usage: gpu-check.sh [BUNDLE_DIR]
#   BUNDLE_DIR holds jre/, balnet.jar and libOpenCL.so.1 as hosts/gpu-bundle.sh makes them (default:
#   the script's own directory if balnet.jar is there, else .gpu/ or target/ of the repository, with
#   the java on PATH).
# Environment: BALNET_HOST (host profile, default auto), BALNET_OPENCL_DEVICE (device selector),
#   GPU_CHECK_SIZES (default "1000000 10000000 100000000 1000000000"), GPU_CHECK_TIMEOUT (seconds per
#   command, default 240), GPU_CHECK_ALLOW_CPU (set: go on when OpenCL shows no GPU, e.g. to try the
#   script with PoCL).
set -u

here=$(cd "$(dirname "$0")" && pwd)
log_dir=${OUT:-$PWD}
mkdir -p "$log_dir"
log="$log_dir/gpu-check.log"
: > "$log"
exec > >(tee -a "$log") 2>&1

say() { printf '\n== %s\n' "$*"; }
run() {
  printf '$ %s\n' "$*"
  local t0=$SECONDS
  timeout "${GPU_CHECK_TIMEOUT:-240}" "$@"
  local rc=$?
  printf -- '-> exit %d after %d s\n' "$rc" $((SECONDS - t0))
  return $rc
}

bundle=${1:-}
if [ -z "$bundle" ]; then
  if [ -f "$here/balnet.jar" ]; then bundle=$here
  elif [ -f "$here/../.gpu/balnet.jar" ]; then bundle=$(cd "$here/../.gpu" && pwd)
  else bundle=""
  fi
fi
if [ -n "$bundle" ] && [ -x "$bundle/jre/bin/java" ]; then java="$bundle/jre/bin/java"; else java=$(command -v java || true); fi
if [ -n "$bundle" ] && [ -f "$bundle/balnet.jar" ]; then jar="$bundle/balnet.jar"; else jar="$here/../target/balnet.jar"; fi
host=${BALNET_HOST:-auto}

say "gpu-check $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(hostname)"
echo "bundle: ${bundle:-none}; java: ${java:-none}; jar: $jar; host profile: $host; log: $log"
uname -a
nproc; free -g 2>/dev/null | head -2
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv
if [ -z "$java" ] || [ ! -f "$jar" ]; then
  echo "gpu-check: no java or no balnet.jar; make the bundle with hosts/gpu-bundle.sh" >&2
  exit 1
fi
"$java" -version 2>&1 | head -1
# The JVM's signal-chaining library: without it an OpenCL driver that compiles with LLVM in-process
# replaces the JVM's signal handlers and crashes it at random (org.balnet.sim.opencl.SignalChaining).
jsig=$(dirname "$(dirname "$(readlink -f "$java")")")/lib/libjsig.so
if [ -f "$jsig" ]; then
  export LD_PRELOAD=$jsig${LD_PRELOAD:+:$LD_PRELOAD}
  echo "LD_PRELOAD=$LD_PRELOAD"
else
  echo "warning: $jsig not found; the JVM's signal handlers are unprotected"
fi

say "OpenCL as found"
echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
echo "OCL_ICD_VENDORS=${OCL_ICD_VENDORS:-}"
ldconfig -p 2>/dev/null | grep -i opencl || echo "(ldconfig knows no OpenCL library)"
if ls -l /etc/OpenCL/vendors 2>/dev/null; then for f in /etc/OpenCL/vendors/*.icd; do echo "$f: $(cat "$f")"; done; else echo "(no /etc/OpenCL/vendors)"; fi
nv_lib=$(ldconfig -p 2>/dev/null | awk '/libnvidia-opencl\.so\.1/ {print $NF; exit}')
if [ -z "$nv_lib" ]; then
  nv_lib=$(find / -xdev \( -path /proc -o -path /sys \) -prune -o -name 'libnvidia-opencl.so*' -print 2>/dev/null | head -1)
fi
echo "NVIDIA OpenCL driver library: ${nv_lib:-not found}"
command -v clinfo >/dev/null && clinfo -l

say "balnet devices, as found"
if run "$java" -jar "$jar" devices --host "$host" && "$java" -jar "$jar" devices 2>/dev/null | grep -q "type gpu"; then
  echo "a GPU is visible: no repair needed"
else
  say "repairing: a private loader directory and vendor list in /tmp/balnet-cl"
  mkdir -p /tmp/balnet-cl/lib /tmp/balnet-cl/vendors
  # JOCL opens "libOpenCL.so" (unversioned): link it to the system loader, else to the bundle's.
  sys_loader=$(ldconfig -p 2>/dev/null | awk '/libOpenCL\.so\.1 .*x86-64/ {print $NF; exit}')
  if [ -n "$sys_loader" ]; then loader=$sys_loader; else loader="$bundle/libOpenCL.so.1"; fi
  echo "ICD loader: $loader"
  ln -sf "$loader" /tmp/balnet-cl/lib/libOpenCL.so
  ln -sf "$loader" /tmp/balnet-cl/lib/libOpenCL.so.1
  # Keep the vendors already registered, and add NVIDIA's if its library exists but has no .icd.
  cp /etc/OpenCL/vendors/*.icd /tmp/balnet-cl/vendors/ 2>/dev/null || true
  if [ -n "$nv_lib" ] && ! grep -qs nvidia /tmp/balnet-cl/vendors/*.icd; then
    echo "$nv_lib" > /tmp/balnet-cl/vendors/nvidia.icd
    echo "added vendor file nvidia.icd -> $nv_lib"
  fi
  ls -l /tmp/balnet-cl/lib /tmp/balnet-cl/vendors; for f in /tmp/balnet-cl/vendors/*.icd; do echo "$f: $(cat "$f")"; done
  export LD_LIBRARY_PATH=/tmp/balnet-cl/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  export OCL_ICD_VENDORS=/tmp/balnet-cl/vendors
  echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH OCL_ICD_VENDORS=$OCL_ICD_VENDORS"
  say "balnet devices, after repair"
  run "$java" -jar "$jar" devices --host "$host" || { echo "gpu-check: still no OpenCL device; stopping"; exit 1; }
  if ! "$java" -jar "$jar" devices 2>/dev/null | grep -q "type gpu" && [ -z "${GPU_CHECK_ALLOW_CPU:-}" ]; then
    echo "gpu-check: OpenCL sees no GPU even after the repair; stopping (GPU_CHECK_ALLOW_CPU=1 goes on with a CPU device)"
    exit 1
  fi
fi

say "signal handlers: does listing this host's OpenCL devices replace the JVM's? (-Xcheck:jni, libjsig off)"
# -Xcheck:jni reports handlers changed behind the JVM's back (PoCL does it in clGetDeviceIDs). Under
# it JOCL's string queries come back empty, so only the listing is checked, not a kernel build.
env -u LD_PRELOAD timeout 120 "$java" -Xcheck:jni -jar "$jar" devices > "$log_dir/xcheck-jni.txt" 2>&1
echo "$(grep -c 'handler modified' "$log_dir/xcheck-jni.txt") 'handler modified' warnings (0: left alone)"
grep -m 3 'handler modified' "$log_dir/xcheck-jni.txt"
grep -m 3 ' in lib' "$log_dir/xcheck-jni.txt"

say "equivalence: OpenCL against the Java engine, n = 1e5, fp64 and fp32"
run "$java" -jar "$jar" check-opencl --host "$host" --n 100000 --steps 100 --lockstep-steps 10

say "bench: OpenCL, neuron-steps per second (2n * steps / seconds)"
for n in ${GPU_CHECK_SIZES:-1000000 10000000 100000000 1000000000}; do
  for p in fp64 fp32; do
    steps=20
    [ "$n" -ge 1000000000 ] && steps=5
    run "$java" -Xmx8g -jar "$jar" bench --scenario mv-6.1 --backend opencl --host "$host" --n "$n" \
        --precision "$p" --steps "$steps" --repeats 3 --warmup 2
  done
done

say "bench: the ptrs sampler at n = 1e8, fp64, against the table sampler (the default) above"
run "$java" -Xmx8g -jar "$jar" bench --scenario mv-6.1 --backend opencl --host "$host" --n 100000000 \
    --precision fp64 --sampler ptrs --steps 20 --repeats 3 --warmup 2

gpus=$("$java" -jar "$jar" devices 2>/dev/null | grep -c "type gpu")
if [ "$gpus" -ge 2 ]; then
  say "several GPUs ($gpus): one network split over all of them (docs/opencl.md, \"Several devices, one network\")"
  run "$java" -jar "$jar" devices --host "$host" --device all --n 10000000000 --precision fp32
  # The split must write the one-GPU bytes: a short run on GPU 0 and on all, the same host profile.
  split_dir=$(mktemp -d)
  for d in 0 all; do
    run "$java" -Xmx8g -jar "$jar" simulate --scenario mv-6.1 --n 10000000 --t-end 0.1 --seed 7 \
        --backend opencl --host "$host" --device "$d" --out "$split_dir/$d"
  done
  if cmp "$split_dir/0/trajectory.csv" "$split_dir/all/trajectory.csv"; then
    echo "split: trajectory.csv on --device all is byte-identical to --device 0"
  else
    echo "split: FAILED, trajectory.csv differs between --device 0 and --device all"
  fi
  rm -rf "$split_dir"
  for n in 1000000000 10000000000; do
    run "$java" -Xmx8g -jar "$jar" bench --scenario mv-6.1 --backend opencl --host "$host" --device all \
        --n "$n" --precision fp32 --steps 5 --repeats 3 --warmup 1
  done
fi

say "bench: the Java engine on this host's CPUs, for scale"
run "$java" -Xmx8g --add-modules jdk.incubator.vector -jar "$jar" bench --scenario mv-6.1 --backend cpu --n 10000000 --steps 5 --repeats 3 --warmup 1

say "summary (bench lines)"
grep '^{"backend"' "$log" | sed 's/"device":"[^"]*",//'
say "done; log in $log"
