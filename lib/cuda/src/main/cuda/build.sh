#!/usr/bin/env bash
# Compiles PEERkit's CUDA kernels (every *.cu here) into cubins for sm_80, sm_86, sm_89 and sm_90
# plus compute_90 PTX (which newer GPUs JIT), as jar resources under org/peerkit/cuda/kernels/.
# Prints each sm_90 kernel's registers and spills from `ptxas -v`. Without nvcc it prints one line
# and succeeds: the CPU kit needs no kernels. Called by lib/cuda/pom.xml (generate-resources).
#
#   build.sh <source dir> <classes dir>     NVCC=/path/to/nvcc overrides the search, NVCC=none skips
set -euo pipefail
src="$1"
out="$2/org/peerkit/cuda/kernels"
archs=(80 86 89 90)

find_nvcc() {
  local c
  [ "${NVCC:-}" = none ] && return 1
  for c in "${NVCC:-}" "${CUDA_HOME:+$CUDA_HOME/bin/nvcc}" "$(command -v nvcc || true)" /usr/local/cuda/bin/nvcc /usr/local/cuda-13.0/bin/nvcc; do
    if [ -n "$c" ] && [ -x "$c" ]; then echo "$c"; return 0; fi
  done
  return 1
}

if ! nvcc="$(find_nvcc)"; then
  echo "[peerkit-cuda] nvcc not found (set CUDA_HOME or NVCC, or install the CUDA 13 toolkit): CUDA kernels skipped, the CPU kit builds and runs without them"
  exit 0
fi
mkdir -p "$out"
flags=(-O3 -std=c++17 -I "$src")
echo "[peerkit-cuda] $("$nvcc" --version | tail -1) -> $out"

# fresh: true when $1 is newer than every source (the .cu and the shared header)
fresh() { [ -f "$1" ] && [ "$1" -nt "$2" ] && [ "$1" -nt "$src/common.cuh" ] && [ "$1" -nt "$0" ]; }

# ptxas -v lines -> "kernel: N registers, spill stores/loads S/L bytes"
registers() {
  awk '/Compiling entry function/ { match($0, /function .[^'"'"']+/); k = substr($0, RSTART + 10, RLENGTH - 10) }
       /bytes stack frame/ { st = $5; ld = $9 }
       /Used [0-9]+ registers/ { for (i = 1; i <= NF; i++) if ($i == "Used") r = $(i + 1);
                                 printf "[peerkit-cuda]   %-32s %3d registers, spills %s/%s bytes\n", k, r, st, ld }'
}

for cu in "$src"/*.cu; do
  name="$(basename "$cu" .cu)"
  for a in "${archs[@]}"; do
    target="$out/$name.sm_$a.cubin"
    fresh "$target" "$cu" && continue
    log="$("$nvcc" "${flags[@]}" -cubin -arch="sm_$a" -Xptxas -v -o "$target" "$cu" 2>&1)" || { echo "$log"; exit 1; }
    if [ "$a" = 90 ]; then echo "[peerkit-cuda] $name.cu, sm_90 (ptxas -v):"; echo "$log" | registers; fi
  done
  ptx="$out/$name.compute_90.ptx"
  fresh "$ptx" "$cu" || "$nvcc" "${flags[@]}" -ptx -arch=compute_90 -o "$ptx" "$cu"
done
ls "$src"/*.cu | xargs -n1 basename | sed 's/\.cu$//' > "$out/modules.txt"
echo "[peerkit-cuda] $(ls "$out" | grep -c '\.cubin$') cubins, $(ls "$out" | grep -c '\.ptx$') PTX for ${archs[*]/#/sm_} + compute_90"
