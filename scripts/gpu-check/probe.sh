# shellcheck shell=bash
# Part of scripts/gpu-check.sh (sourced; docs/gpu-check.md): a. unpack the kit, find python and the CUDA libraries, probe the host and the device.
# Functions only; they use the settings gpu-check.sh defines before sourcing.

# ---- a. probe --------------------------------------------------------------------
# The kit's binaries are gzip'd (the run tool carries 64 MiB): unpack them
# into the scratch folder (gzip, else python's gzip module).
unpack_kit() {
  local b
  mkdir -p "$work/bin"
  for b in shodh-run cuda_test; do
    [[ -f $kit/bin/$b.gz ]] || continue
    gzip -dc "$kit/bin/$b.gz" > "$work/bin/$b" 2> /dev/null ||
      "${py_any:-python3}" -c "import gzip, shutil, sys; shutil.copyfileobj(gzip.open(sys.argv[1]), open(sys.argv[2], 'wb'))" \
        "$kit/bin/$b.gz" "$work/bin/$b" || rm -f "$work/bin/$b"
    [[ -f $work/bin/$b ]] && chmod 755 "$work/bin/$b"
  done
}

# GPU_CHECK_FAKE=emu: shodh-run and cuda_emu_test (as cuda_test) of a
# normal build in place of the kit's, with the emulated backend as the CUDA
# plugin. False, with a message, when the build lacks one of them.
use_emulator() {
  local b bin=${GPU_CHECK_EMU_BIN:-$root/build/bin}
  bin=$(cd "$bin" 2> /dev/null && pwd -P) || {
    echo "gpu-check: GPU_CHECK_FAKE=emu: no folder ${GPU_CHECK_EMU_BIN:-$root/build/bin}" >&2
    return 1
  }
  for b in shodh-run cuda_emu_test libshodh_cudaemu.so; do
    [[ -f $bin/$b ]] || {
      echo "gpu-check: GPU_CHECK_FAKE=emu needs $bin/$b (a build with the CUDA backend; set GPU_CHECK_EMU_BIN)" >&2
      return 1
    }
  done
  ln -sf "$bin/shodh-run" "$work/bin/shodh-run"
  ln -sf "$bin/cuda_emu_test" "$work/bin/cuda_test"
  export SHODH_CUDA_PLUGIN=$bin/libshodh_cudaemu.so
}

# Sets py_torch (the first python with torch, one that sees a GPU first),
# torch_cuda (0/1) and torch_ver; one torch import per candidate.
find_python() {
  local p path info seen=" "
  py_torch="" torch_cuda=0 torch_ver=""
  for p in ${PYTHON:-} python3 python /opt/conda/bin/python /usr/local/bin/python3 /usr/bin/python3; do
    path=$(command -v "$p" 2> /dev/null) || continue
    path=$(readlink -f "$path")
    [[ $seen == *" $path "* ]] && continue
    seen="$seen$path "
    info=$(timeout 120 "$path" -c "import torch; print(int(torch.cuda.is_available()), torch.__version__)" 2> /dev/null) || continue
    if [[ -z $py_torch || (${info%% *} == 1 && $torch_cuda == 0) ]]; then
      py_torch=$path torch_cuda=${info%% *} torch_ver=${info#* }
    fi
    ((torch_cuda)) && return
  done
}

# Directories that may hold libcublas/libcufft: the CUDA toolkit, the
# system, conda, and the NVIDIA wheels of the python packages (torch bundles
# them under site-packages/nvidia/*/lib).
lib_dirs() { echo "$lib_dirs_found"; }

lib_dirs_search() {
  local d extra=${GPU_CHECK_LIB_DIRS:-}
  for d in ${extra//:/ } ${CUDA_HOME:+$CUDA_HOME/lib64} /usr/local/cuda/lib64 \
           /usr/local/cuda/targets/x86_64-linux/lib /usr/local/cuda-*/lib64 \
           /usr/local/cuda-*/targets/x86_64-linux/lib /usr/lib/x86_64-linux-gnu \
           /usr/lib64 /usr/local/lib /opt/conda/lib; do
    [[ -d $d ]] && echo "$d"
  done
  if [[ -n $py_torch ]]; then
    "$py_torch" - 2> /dev/null << 'EOF' | while read -r sp; do
import site, os, torch
dirs = site.getsitepackages() + [site.getusersitepackages(), os.path.dirname(os.path.dirname(torch.__file__))]
print("\n".join(dict.fromkeys(d for d in dirs if os.path.isdir(d))))
EOF
      find "$sp" -maxdepth 4 -path '*nvidia*' -name 'lib' -type d 2> /dev/null
      [[ -d $sp/torch/lib ]] && echo "$sp/torch/lib"
    done
  fi
}

# Adds to LD_LIBRARY_PATH the first directory holding each library the kit's
# binaries miss (again for what those libraries need in turn, 3 rounds at
# most); prints what it did.
fix_libs() {
  local missing lib d found dirs _ tried=" "
  dirs=$(lib_dirs)
  for _ in 1 2 3; do
    missing=$(ldd "$sr" "$ct" 2> /dev/null | awk '/not found/ {print $1}' | sort -u)
    [[ -n $missing ]] || return 0
    for lib in $missing; do
      [[ $tried == *" $lib "* ]] && continue
      tried="$tried$lib "
      found=""
      for d in $dirs; do
        if [[ -e $d/$lib ]]; then found=$d; break; fi
      done
      if [[ -n $found ]]; then
        export LD_LIBRARY_PATH=$found${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
        echo "$lib: not found by the loader; using $found"
      else
        echo "$lib: NOT FOUND in any of: $(echo $dirs | tr ' ' ',')"
      fi
    done
  done
}

probe_step() {
  local driver cudav gpu glibc torch_line libs kit_hash tree_hash kit_ok=1 cc
  {
    echo "== date";  date -u +%Y-%m-%dT%H:%M:%SZ
    echo "== host"; uname -srm
    echo "== cpu"; grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'
    echo "cores $(nproc)"; grep -E 'MemTotal|MemAvailable' /proc/meminfo
    echo "== glibc"; ldd --version 2>&1 | head -1
    echo "== nvidia-smi"
    if command -v nvidia-smi > /dev/null 2>&1; then
      timeout 30 nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap,pci.bus_id --format=csv 2>&1
      timeout 30 nvidia-smi 2>&1 | head -12
    else
      echo "nvidia-smi: not found"
    fi
    cat /proc/driver/nvidia/version 2> /dev/null
    ls -l /dev/nvidia* 2>&1 | head -5
    echo "CUDA_VISIBLE_DEVICES=${CUDA_VISIBLE_DEVICES-<unset>}"
    echo "== cuda toolkits"; ls -d /usr/local/cuda* 2>&1
    echo "== C compiler (Triton, hence torch.compile on cuda, needs one)"
    for c in cc gcc clang; do command -v "$c" > /dev/null 2>&1 && echo "$c: $(command -v "$c")"; done
    echo "CC=${CC-<unset>}"
    echo "== python"
    echo "python with torch: ${py_torch:-none}; python for the summary: ${py_any:-none}"
    if [[ -n $py_torch ]]; then
      "$py_torch" - << 'EOF' 2>&1
import sys, torch
print("python", sys.version.split()[0], sys.executable)
print("torch", torch.__version__, "cuda", torch.version.cuda, "cudnn", torch.backends.cudnn.version(),
      "cuda_available", torch.cuda.is_available())
if torch.cuda.is_available():
    p = torch.cuda.get_device_properties(0)
    print("device", p.name, "cc %d.%d" % (p.major, p.minor), "%.1f GiB" % (p.total_memory / 2**30),
          "SMs", p.multi_processor_count)
for m in ("numpy", "h5py", "triton"):
    try:
        print(m, __import__(m).__version__)
    except Exception as e:
        print(m, "missing:", type(e).__name__)
EOF
    fi
    echo "== libcublas / libcufft on this machine"
    for d in $(lib_dirs); do
      ls "$d"/libcublas.so* "$d"/libcublasLt.so* "$d"/libcufft.so* "$d"/libcudart.so* 2> /dev/null
    done | sort -u
    echo "== kit"
    if [[ -x $sr ]]; then
      cat "$kit/MANIFEST.txt" 2> /dev/null
      echo "-- ldd before: LD_LIBRARY_PATH=${LD_LIBRARY_PATH-}"
      ldd "$sr" 2>&1 | sed 's/ (0x[0-9a-f]*)//'
      fix_libs
      echo "-- ldd after: LD_LIBRARY_PATH=${LD_LIBRARY_PATH-}"
      ldd "$sr" 2>&1 | sed 's/ (0x[0-9a-f]*)//'
      ldd "$ct" 2>&1 | grep -i "not found"
    else
      echo "no kit at $kit (run scripts/gpu-kit.sh where the sources build; carry gpu-kit)"
    fi
  } >> "$probe" 2>&1

  # fix_libs ran in a subshell-free block above, so LD_LIBRARY_PATH is set here.
  gpu=$(timeout 30 nvidia-smi --query-gpu=name --format=csv,noheader 2> /dev/null | head -1)
  driver=$(timeout 30 nvidia-smi --query-gpu=driver_version --format=csv,noheader 2> /dev/null | head -1)
  cudav=$(timeout 30 nvidia-smi 2> /dev/null | grep -o 'CUDA Version: [0-9.]*' | head -1 | cut -d' ' -f3)
  glibc=$(ldd --version 2>&1 | head -1 | grep -o '[0-9.]*$')
  torch_line=none
  [[ -n $py_torch ]] && torch_line="$torch_ver $( ((torch_cuda)) && echo cuda || echo no-cuda)"
  libs=$(ldd "$sr" 2> /dev/null | awk '/libcublas.so|libcufft.so/ {print $1 "=" ($3 == "not" ? "MISSING" : $3)}' | tr '\n' ' ')
  if [[ -f $kit/MANIFEST.txt ]]; then
    kit_hash=$(awk '$1 == "source_hash" {print $2}' "$kit/MANIFEST.txt")
    tree_hash=$(bash scripts/gpu-kit-hash.sh 2> /dev/null)
    [[ $kit_hash == "$tree_hash" ]] || kit_ok=0
    echo "kit source hash $kit_hash, tree $tree_hash" >> "$probe"
  fi
  cc=$(command -v cc || command -v gcc || echo none)
  line PASS probe "${gpu:-no GPU (nvidia-smi: none)} | driver ${driver:-none} (CUDA ${cudav:-?}) | glibc $glibc | $(nproc) CPUs | torch $torch_line | cc $cc | ${libs:-kit missing}"
  if [[ ! -x $sr ]]; then
    line FAIL kit "no kit at $kit: run 'bash scripts/gpu-kit.sh' on the build machine and carry gpu-kit"
  elif [[ $fake == emu ]]; then
    line INFO kit "models and data only: the emulated run uses the binaries of ${GPU_CHECK_EMU_BIN:-build/bin}"
  elif ((!kit_ok)); then
    line WARN kit "built from other sources (kit $kit_hash, tree $tree_hash): results are those of the kit's binaries"
  fi
}

# Whether shodh-run can use the GPU (the one test every device step needs).
device_check() {
  local log=$out/logs/device.log rc
  has_gpu=0
  gpu_reason="no kit"
  [[ -x $sr ]] || { line SKIP device "no kit"; return; }
  run "$log" 60 "$sr" bench "$kit/models/mlp.fb" --batch 1 --warmup 0 --iters 1 --device "$dev"
  rc=$?
  if ((rc != 0)) && grep -q "insufficient" "$log"; then
    # A driver older than CUDA 13: try the toolkit's forward-compatibility libcuda.
    local compat
    compat=$(ls -d /usr/local/cuda*/compat 2> /dev/null | sort -V | tail -1)
    if [[ -n $compat ]]; then
      export LD_LIBRARY_PATH=$compat:${LD_LIBRARY_PATH-}
      echo "retrying with the forward-compatibility driver in $compat" >> "$log"
      run "$log" 60 "$sr" bench "$kit/models/mlp.fb" --batch 1 --warmup 0 --iters 1 --device "$dev"
      rc=$?
    fi
  fi
  if ((rc == 0)); then
    has_gpu=1
    local where="the GPU"
    [[ $fake == emu ]] && where=$runs_on
    line PASS device "shodh-run runs on $where (mlp bench --device $dev)"
  else
    gpu_reason=$(grep -o "error: .*" "$log" | tail -1 | cut -c8-260)
    [[ -n $gpu_reason ]] || gpu_reason=$(why "$log" $rc)
    if ((rc == 124 || rc == 137)) ||
      grep -qE "no CUDA device is available|error while loading shared libraries|insufficient|cudaErrorNoDevice|cudaErrorInsufficientDriver|CUDA driver|cudaErrorDevicesUnavailable|cudaErrorNoKernelImageForDevice|cudaErrorUnsupportedPtxVersion" "$log"; then
      # No GPU, libraries or driver missing, the kit's architecture not
      # this GPU's, the GPU busy (exclusive mode), or a hang.
      line SKIP device "no usable GPU: $gpu_reason"
    else
      # The GPU is there but a kernel (or cuBLAS) failed: a bug to report,
      # and the other device steps still run (they may pass or say more).
      has_gpu=1
      line FAIL device "mlp bench --device $dev failed on the GPU (not a missing device): $gpu_reason"
    fi
  fi
}

