#!/usr/bin/env bash
# Makes the portable GPU bundle (docs/opencl.md, "The GPU bundle") in .gpu/ (ignored by git): a jlink'ed
# Java runtime, the jar, the launcher hosts/balnet, the OpenCL ICD loader and gpu-check.sh, about 45 MB,
# for GPU hosts without Java or network.
# Run on a build machine from anywhere inside the repository; then copy .gpu/ to the GPU host and run
# .gpu/gpu-check.sh there.
set -euo pipefail
cd "$(dirname "$0")/.."

mvn -q -B -DskipTests package
rm -rf .gpu
mkdir .gpu
# java.logging: JOCL logs through it; jdk.unsupported: sun.misc for libraries that probe it;
# jdk.incubator.vector: the CPU backend's vectorised Philox (org.balnet.rng.PhiloxVector).
jlink --add-modules java.base,java.logging,jdk.unsupported,jdk.incubator.vector --strip-debug \
      --no-header-files --no-man-pages --compress=2 --output .gpu/jre
cp target/balnet.jar .gpu/
cp hosts/gpu-check.sh .gpu/
# The launcher (it takes the bundle's jre/ and balnet.jar): what a study's study.sbatch runs on a cluster.
cp hosts/balnet .gpu/
loader=$(ldconfig -p | awk '/libOpenCL\.so\.1 .*x86-64/ {print $NF; exit}')
if [ -n "$loader" ]; then
  cp -L "$loader" .gpu/libOpenCL.so.1
else
  echo "gpu-bundle: no libOpenCL.so.1 on this machine; the bundle relies on the GPU host's loader" >&2
fi
du -sh .gpu
echo "bundle ready: copy .gpu/ to the GPU host and run: bash .gpu/gpu-check.sh"
