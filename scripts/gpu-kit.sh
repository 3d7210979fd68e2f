#!/usr/bin/env bash
# Builds the GPU kit (docs/gpu-check.md): everything scripts/gpu-check.sh
# needs on a GPU machine that has no compiler, no MLIR and no apt, in the
# gitignored folder gpu-kit/ (at most 64 MiB: the `run` tool carries it with
# carry=["gpu-kit"]):
#   bin/shodh-run.gz, bin/cuda_test.gz
#                                  portable (docs/cuda.md § Portable build),
#                                  stripped, gzip'd; only glibc (>= 2.35),
#                                  cuBLAS and cuFFT shared
#   models/*.fb                    compiled here with shodhc
#   data/*.h5                      small data sets (shodh-data), and for each
#                                  model a copy whose `targets` hold its inputs
#                                  (gpu-check.sh compares CPU and GPU outputs
#                                  with `shodh-run eval` on it: no h5py needed)
#   models.txt, fno2d.env          what gpu-check.sh runs
#   MANIFEST.txt                   sources hash, toolchain, ldd, sizes
# Idempotent: an up-to-date kit costs a ninja no-op and prints one line.
#   bash scripts/gpu-kit.sh            (or: make gpu-kit)
# Environment: KIT_BUILD (build folder, default build-gpu-kit/), KIT_DIR
# (default gpu-kit/), SHODHC and SHODH_DATA (default build/bin, then
# /tmp/lead-build/bin), KIT_CUDA_ARCH (default 90: H100/H200), JOBS (2).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${KIT_BUILD:-$root/build-gpu-kit}
kit=${KIT_DIR:-$root/gpu-kit}
mkdir -p "$build" "$kit"
build=$(cd "$build" && pwd) # absolute: the linker flags name a file in it
kit=$(cd "$kit" && pwd)
arch=${KIT_CUDA_ARCH:-90}
jobs=${JOBS:-2}
limit_mib=64
changed=()

note() { echo "gpu-kit: $*"; }
die() { echo "gpu-kit: error: $*" >&2; exit 1; }

# A tool of the compiler build (read-only): $1 = name, $2 = override.
find_tool() {
  local name=$1 override=$2 dir
  if [[ -n $override ]]; then echo "$override"; return; fi
  for dir in "$root/build/bin" /tmp/lead-build/bin; do
    [[ -x $dir/$name ]] && { echo "$dir/$name"; return; }
  done
  die "no $name found (set ${3}=/path/to/$name, or build the compiler: make build)"
}
shodhc=$(find_tool shodhc "${SHODHC:-}" SHODHC)
shodh_data=$(find_tool shodh-data "${SHODH_DATA:-}" SHODH_DATA)
py=/usr/bin/python3
"$py" -c "import h5py, numpy" 2>/dev/null || die "$py needs h5py and numpy (apt: python3-h5py)"

# Replaces $2 by $1 when they differ; records the change.
install_if_changed() {
  if ! cmp -s "$1" "$2"; then
    mkdir -p "$(dirname "$2")"
    chmod 644 "$1" # mktemp makes 0600 files
    mv -f "$1" "$2"
    changed+=("${2#"$kit"/}")
  else
    rm -f "$1"
  fi
}

# ---- portable binaries -------------------------------------------------------
# Newest glibc symbol version the binaries may need: 2.35 (Ubuntu 22.04,
# Debian 12 and newer hosts); arc4random (2.36) is wrapped, see
# scripts/gpu-kit-arc4random.c.
glibc_max=2.35

configure() {
  local shim=$build/kit-arc4random.o
  mkdir -p "$build"
  [[ $shim -nt $root/scripts/gpu-kit-arc4random.c ]] ||
    { gcc -O2 -c "$root/scripts/gpu-kit-arc4random.c" -o "$shim.tmp" && mv -f "$shim.tmp" "$shim"; }
  local args=(-DCMAKE_BUILD_TYPE=Release -DSHODH_PORTABLE=ON -DSHODH_ENABLE_COMPILER=OFF
    -DSHODH_ENABLE_TESTS=ON -DSHODH_CUDA=ON "-DCMAKE_CUDA_ARCHITECTURES=$arch"
    "-DCMAKE_EXE_LINKER_FLAGS=-Wl,--wrap=arc4random $shim"
    -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache
    -DCMAKE_CUDA_COMPILER_LAUNCHER=ccache)
  # Configure again only when the arguments changed (quiet re-runs).
  if [[ -f $build/build.ninja && $(cat "$build/kit-configure.args" 2> /dev/null) == "${args[*]}" ]]; then
    return
  fi
  cmake -S "$root" -B "$build" -G Ninja "${args[@]}" > "$build/kit-configure.log" 2>&1 ||
    { tail -30 "$build/kit-configure.log"; die "configure failed ($build/kit-configure.log)"; }
  echo "${args[*]}" > "$build/kit-configure.args"
}

# Only glibc and the CUDA math libraries may stay shared, and no glibc
# symbol newer than $glibc_max.
check_binary() {
  local f=$1 bad newest
  bad=$(readelf -d "$f" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' |
    grep -vE '^(libc|libm|libdl|librt|libpthread|ld-linux-x86-64)\.so\.[0-9]+$|^(libcublas|libcublasLt|libcufft)\.so\.[0-9]+$' || true)
  [[ -z $bad ]] || die "$(basename "$f") needs shared libraries other than glibc and cuBLAS/cuFFT: $bad"
  newest=$(objdump -T "$f" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)
  [[ $(printf '%s\n%s\n' "$newest" "$glibc_max" | sort -V | tail -1) == "$glibc_max" ]] ||
    die "$(basename "$f") needs glibc $newest (> $glibc_max): $(objdump -T "$f" | grep "GLIBC_$newest" | awk '{print $NF}' | tr '\n' ' ')"
}

# bin/NAME.gz: stripped (the fatbins stay), checked, gzip'd (the two binaries
# are ~76 MiB stripped, ~23 MiB compressed); gpu-check.sh unpacks them.
build_binaries() {
  configure
  if ! cmake --build "$build" -j "$jobs" --target shodh-run cuda_test \
      > "$build/kit-build.log" 2>&1; then
    grep -E "error|FAILED" "$build/kit-build.log" | head -20
    die "build failed ($build/kit-build.log); a file of runtime/kernels/cuda being edited by someone else? retry in a few minutes"
  fi
  local b stripped tmp
  mkdir -p "$build/kit-bin" "$kit/bin"
  for b in shodh-run cuda_test; do
    stripped=$build/kit-bin/$b
    if [[ ! -f $kit/bin/$b.gz || $build/bin/$b -nt $kit/bin/$b.gz || ! -f $stripped ]]; then
      strip --strip-unneeded -o "$stripped" "$build/bin/$b"
      check_binary "$stripped"
      tmp=$(mktemp "$kit/.tmp.XXXXXX")
      gzip -n -6 -c "$stripped" > "$tmp"
      install_if_changed "$tmp" "$kit/bin/$b.gz"
      touch "$kit/bin/$b.gz"
    fi
  done
}

# ---- models and data ---------------------------------------------------------
# name|shodhc arguments|training data|batch|train flags|what it covers ('|': empty
# fields survive read)
models_list() {
  cat <<'EOF'
mlp|models/mlp.mlir --train --set cin=4 --set res=16|poisson16.h5|2||linear, gelu, add, mul, mse, adam
fno|models/fno.mlir --train --set cin=4 --set res=32|poisson32.h5|2||spectral_conv (+ grads), linear, gelu
fno_unfused|models/fno.mlir --train --set cin=4 --set res=32 --no-fuse|poisson32.h5|2||rfft, irfft, spectral_truncate/pad/contract (+ grads)
ae|models/shodh_moe.mlir --entry autoencode --train --set res=16|pairs16.h5|2|--no-normalize|conv, conv_transpose, layer_norm, div_free_project
moe|models/shodh_moe.mlir --set res=16|pairs16.h5|2|--no-normalize|Shodh-MoE: attention, router, top_k, dispatch, expert_mlp, combine, router losses
m2m|models/m2m.mlir --train --set cin=4 --set cout=1 --set width=8 --set proj=16 --set gmodes=8|multiscale64.h5|2||M2M: spectral_energy, expert_fno, allocation_kl, pi_update
EOF
}

# The FNO-2D of issue 9 (symbolic batch; gpu-check.sh benches batch 64).
fno2d_env() {
  cat <<'EOF'
FNO2D_BATCH=64
FNO2D_RES=128
FNO2D_WIDTH=64
FNO2D_MODES=16
FNO2D_LAYERS=4
FNO2D_CIN=3
EOF
}

compile_models() {
  local name args tmp
  while IFS='|' read -r name args _; do
    tmp=$(mktemp "$kit/.tmp.XXXXXX")
    # shellcheck disable=SC2086
    "$shodhc" $args -o "$tmp" || die "shodhc $args failed"
    install_if_changed "$tmp" "$kit/models/$name.fb"
  done < <(models_list)
  local e
  eval "$(fno2d_env)"
  tmp=$(mktemp "$kit/.tmp.XXXXXX")
  "$shodhc" models/fno.mlir --train --set "res=$FNO2D_RES" --set "width=$FNO2D_WIDTH" \
    --set "modes=$FNO2D_MODES" --set "layers=$FNO2D_LAYERS" --set "cin=$FNO2D_CIN" -o "$tmp" ||
    die "shodhc of the FNO-2D benchmark model failed"
  install_if_changed "$tmp" "$kit/models/fno2d.fb"
  for e in models.txt fno2d.env; do
    tmp=$(mktemp "$kit/.tmp.XXXXXX")
    if [[ $e == models.txt ]]; then models_list > "$tmp"; else fno2d_env > "$tmp"; fi
    install_if_changed "$tmp" "$kit/$e"
  done
}

# $1 = file name under data/, rest = the shodh-data command; made once.
make_data() {
  local out=$kit/data/$1
  shift
  [[ -f $out ]] && return
  mkdir -p "$kit/data"
  local log=$kit/.data.log
  "$@" --out "$out.tmp.h5" > "$log" 2>&1 || { cat "$log"; die "shodh-data $* failed"; }
  mv -f "$out.tmp.h5" "$out"
  rm -f "$log"
  changed+=("data/$(basename "$out")")
}

# data/NAME-ref-in.h5: inputs, and targets = a copy of the inputs (`shodh-run
# infer --map targets --copy inputs` then writes the model's outputs as
# targets: a file `eval` compares other runs with).
make_ref_inputs() {
  local src=$kit/data/$1 out=$kit/data/ref-in-$1
  [[ -f $out && $out -nt $src ]] && return
  "$py" - "$src" "$out.tmp.h5" <<'EOF'
import sys, h5py
src, out = sys.argv[1], sys.argv[2]
with h5py.File(src, "r") as f, h5py.File(out, "w") as g:
    x = f["inputs"][:4]
    g["inputs"] = x
    g["targets"] = x
EOF
  mv -f "$out.tmp.h5" "$out"
  changed+=("data/ref-in-$1")
}

make_all_data() {
  make_data poisson16.h5 "$shodh_data" poisson --n 6 --res 16 --seed 1
  make_data poisson32.h5 "$shodh_data" poisson --n 6 --res 32 --seed 2
  make_data multiscale64.h5 "$shodh_data" multiscale --pde poisson --n 4 --res 64 --patches 2 --seed 3
  if [[ ! -f $kit/data/pairs16.h5 ]]; then
    local t
    t=$(mktemp -d)
    "$shodh_data" channel3d --pairs --n 2 --res 16 --steps 2 --seed 3 --threads 2 --out "$t/ch.h5" > /dev/null 2>&1 &&
      "$shodh_data" porous3d --pairs --n 2 --res 16 --steps 2 --seed 4 --threads 2 --out "$t/po.h5" > /dev/null 2>&1 ||
      die "shodh-data channel3d/porous3d failed"
    make_data pairs16.h5 "$shodh_data" merge "$t/ch.h5" "$t/po.h5"
    rm -rf "$t"
  fi
  local f
  for f in poisson16.h5 poisson32.h5 multiscale64.h5 pairs16.h5; do
    make_ref_inputs "$f"
  done
}

# ---- manifest ----------------------------------------------------------------
write_manifest() {
  local tmp glibc
  tmp=$(mktemp "$kit/.tmp.XXXXXX")
  glibc=$(objdump -T "$build/kit-bin/shodh-run" "$build/kit-bin/cuda_test" | grep -o 'GLIBC_[0-9.]*' |
    sort -uV | tail -1)
  {
    echo "source_hash $(bash "$root/scripts/gpu-kit-hash.sh")"
    echo "git_head $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "nvcc $(/usr/local/cuda/bin/nvcc --version 2>/dev/null | sed -n 's/.*release \([0-9.]*\).*/\1/p')"
    echo "cuda_arch $arch"
    echo "glibc_needed ${glibc#GLIBC_}"
    for b in shodh-run cuda_test; do
      echo "needed $b $(readelf -d "$build/kit-bin/$b" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | tr '\n' ' ')"
    done
    (cd "$kit" && find bin models data -type f | LC_ALL=C sort | xargs du -k) |
      awk '{printf "file %s %d KiB\n", $2, $1}'
    for b in shodh-run cuda_test; do
      echo "sha256 $b $(sha256sum < "$build/kit-bin/$b" | cut -c1-16)"
    done
  } > "$tmp"
  install_if_changed "$tmp" "$kit/MANIFEST.txt"
}

check_size() {
  local kib
  kib=$(du -sk "$kit" | cut -f1)
  (( kib <= limit_mib * 1024 )) ||
    die "gpu-kit/ is $((kib / 1024)) MiB, over the ${limit_mib} MiB the run tool carries"
  echo $((kib / 1024))
}

mkdir -p "$kit"
rm -f "$kit"/.tmp.*
build_binaries
compile_models
make_all_data
write_manifest
mib=$(check_size)
if ((${#changed[@]})); then
  note "updated ${changed[*]} ($mib MiB in $kit)"
else
  note "up to date ($mib MiB)"
fi
