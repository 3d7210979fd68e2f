#!/usr/bin/env bash
# The GPU check (docs/gpu-check.md): everything Shodh wants to know from a
# GPU machine, in one call of at most ~8 minutes. Runs ON THE DEVICE from the
# repository root, with the kit of scripts/gpu-kit.sh carried along:
#   bash scripts/gpu-check.sh          (run tool: carry=["gpu-kit"], timeout_s=540)
# Needs bash, coreutils, findutils, the kit's binaries and, for the PyTorch
# peers and the summary, the machine's python (+ torch); nothing is built or
# installed. Writes under ${OUT:-./gpu-out}: probe.txt, summary.txt (one line
# per check: PASS/FAIL/SKIP + key numbers), cuda_test.json and logs/*.log.
# Every step has its own time limit and the run stays inside a total budget
# (GPU_CHECK_BUDGET seconds, default 450): a step that fails or times out is
# reported and the next one runs. Where no GPU is usable every device step
# SKIPs with the reason, and the CPU halves of the checks still run (the
# self-test of the scripts on a machine without a GPU).
# Environment: OUT, GPU_KIT (default gpu-kit/), GPU_CHECK_BUDGET,
# GPU_CHECK_STEPS (comma list of probe,cuda_test,e2e,bench,hbm,compile;
# default all; probe always runs), PYTHON (the python with torch),
# GPU_CHECK_WORK (scratch for checkpoints, default a new /tmp folder),
# GPU_CHECK_LIB_DIRS (colon list searched first for missing libraries).
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
kit=${GPU_KIT:-$root/gpu-kit}
out=${OUT:-$root/gpu-out}
budget=${GPU_CHECK_BUDGET:-450}
steps=",${GPU_CHECK_STEPS:-probe,cuda_test,e2e,bench,hbm,compile},"
own_work=0
[[ -n ${GPU_CHECK_WORK:-} ]] || { GPU_CHECK_WORK=$(mktemp -d /tmp/gpu-check.XXXXXX); own_work=1; }
work=$GPU_CHECK_WORK
mkdir -p "$out/logs" "$work"
out=$(cd "$out" && pwd)
summary=$out/summary.txt
probe=$out/probe.txt
: > "$summary"
: > "$probe"
t0=$SECONDS
sr=$work/bin/shodh-run
ct=$work/bin/cuda_test
report="scripts/gpu_check_report.py"

# ---- helpers -------------------------------------------------------------------
left() { echo $((budget - (SECONDS - t0))); }
want() { [[ $steps == *",$1,"* ]]; }

# line STATUS NAME TEXT: one summary line (also on stdout).
line() { printf '%-4s %-24s %s\n' "$1" "$2" "$3" | tee -a "$summary"; }

# run LOG LIMIT CMD...: appends "$ CMD" and its output to LOG; the limit is
# cut to what is left of the budget (10 s kept for the summary). Exit status
# of CMD, 124 when the limit killed it, 125 when no time was left.
run() {
  local log=$1 limit=$2 l
  shift 2
  l=$(($(left) - 10))
  ((l < limit)) && limit=$l
  if ((limit < 3)); then
    echo "# skipped: total budget of ${budget} s spent" >> "$log"
    return 125
  fi
  echo "\$ $* (limit ${limit}s, at $((SECONDS - t0))s)" >> "$log"
  timeout -k 5 "$limit" "$@" < /dev/null >> "$log" 2>&1
}

# lines LOG: the number of lines LOG has (before a command: see since).
lines() { if [[ -f $1 ]]; then wc -l < "$1"; else echo 0; fi; }

# since LOG [N]: LOG from line N + 1 on (the output of the last commands).
since() { tail -n +$((${2:-0} + 1)) "$1" 2> /dev/null; }

# why LOG RC [N]: a short reason for a failed run (its output after line N).
why() {
  case $2 in
    124 | 137) echo "time limit reached" ;;
    125) echo "no time left in the budget" ;;
    *) since "$1" "${3:-0}" | { grep -E "error|Error|what\(\)|Abort|Segmentation|not expected" || since "$1" "${3:-0}" | tail -1; } |
         tail -1 | cut -c1-300 ;;
  esac
}

# missing_kernels LOG N: the CUDA backend's "no implementation" list in the
# output after line N of LOG, if any.
missing_kernels() {
  since "$1" "$2" | grep -o "has no implementation of .*" | head -1 | sed 's/; run it on the CPU.*//' | cut -c1-240
}

py_report() { [[ -n $py_any ]] && "$py_any" "$report" "$@"; }

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
    line PASS device "shodh-run runs on the GPU (mlp bench --device $dev)"
  else
    gpu_reason=$(grep -o "error: .*" "$log" | tail -1 | cut -c8-260)
    [[ -n $gpu_reason ]] || gpu_reason=$(why "$log" $rc)
    line SKIP device "no usable GPU: $gpu_reason"
  fi
}

# ---- b. cuda_test --------------------------------------------------------------------
cuda_test_step() {
  local log=$out/logs/cuda_test.log rc text status
  [[ -x $ct ]] || { line SKIP cuda_test "no kit"; return; }
  rm -f "$out/cuda_test.json"
  run "$log" 180 "$ct" --gtest_output="json:$out/cuda_test.json"
  rc=$?
  local expect=()
  ((has_gpu)) && expect=(--expect-device)
  text=$(py_report gtest --json "$out/cuda_test.json" --log "$log" ${expect[@]+"${expect[@]}"})
  status=$?
  [[ -n $text ]] || text="$(grep -c '^\[       OK' "$log") OK, $(grep -c '^\[  FAILED' "$log") FAILED lines (no python for the report)"
  ((rc == 124 || rc == 137)) && text="$text; time limit reached"
  if ((status == 0 && rc == 0)); then
    ((has_gpu)) || text="$text (no GPU: device tests skip)"
    line PASS cuda_test "$text"
  else
    line FAIL cuda_test "$text (exit $rc)"
  fi
}

# ---- c. shodh-run end to end: infer and train, cuda against cpu ------------------------
# e2e_model NAME DATA BATCH FLAGS: the CPU trains 3 steps (the reference losses
# and the checkpoint), infers on data/ref-in-DATA into a file whose targets
# are its outputs; `eval` of another run against that file gives the
# relative L2 distance of the two runs' outputs (0: bit-identical).
e2e_model() {
  local name=$1 data=$2 batch=$3 flags=$4
  local m=$kit/models/$name.fb d=$kit/data/$data ref=$kit/data/ref-in-$data
  local w=$work/$name log=$out/logs/e2e-$name.log rc miss self rel rep text status mark
  local common=(--batch "$batch")
  rm -rf "$w"
  mkdir -p "$w"
  # shellcheck disable=SC2086
  run "$log" 60 "$sr" train "$m" --data "$d" --steps 3 "${common[@]}" --seed 3 --log-every 1 --out "$w/run-cpu" $flags ||
    { line FAIL "e2e.$name" "cpu train: $(why "$log" $?)"; return; }
  run "$log" 30 "$sr" infer "$m" --weights "$w/run-cpu/latest.fb" --data "$ref" --map targets --copy inputs "${common[@]}" --out "$w/ref-cpu.h5" ||
    { line FAIL "e2e.$name" "cpu infer: $(why "$log" $?)"; return; }
  run "$log" 30 "$sr" eval "$m" --weights "$w/run-cpu/latest.fb" --data "$w/ref-cpu.h5" "${common[@]}" --metrics-json "$w/self.json" ||
    { line FAIL "e2e.$name" "cpu eval: $(why "$log" $?)"; return; }
  self=$(py_report eval-rel "$w/self.json")
  if ((!has_gpu)); then
    line SKIP "e2e.$name" "no GPU; cpu half ran: 3 train steps, reference outputs, eval of them rel-L2 ${self:-?} (must be 0)"
    return
  fi
  # Inference on cuda.
  mark=$(lines "$log")
  run "$log" 45 "$sr" infer "$m" --weights "$w/run-cpu/latest.fb" --data "$ref" --map targets --copy inputs "${common[@]}" --out "$w/ref-gpu.h5" --device "$dev"
  rc=$?
  miss=$(missing_kernels "$log" "$mark")
  if [[ -n $miss ]]; then
    line SKIP "e2e.$name.infer" "cuda backend $miss"
  elif ((rc != 0)); then
    line FAIL "e2e.$name.infer" "cuda infer: $(why "$log" $rc "$mark")"
  else
    run "$log" 45 "$sr" eval "$m" --weights "$w/run-cpu/latest.fb" --data "$w/ref-cpu.h5" "${common[@]}" --metrics-json "$w/gpu-vs-cpu.json" --device "$dev"
    run "$log" 45 "$sr" eval "$m" --weights "$w/run-cpu/latest.fb" --data "$w/ref-gpu.h5" "${common[@]}" --metrics-json "$w/gpu-vs-gpu.json" --device "$dev"
    rel=$(py_report eval-rel "$w/gpu-vs-cpu.json")
    rep=$(py_report eval-rel "$w/gpu-vs-gpu.json")
    # 1e-4: GEMM and FFT rounding (compare.py's default tolerance).
    status=$("${py_any:-false}" -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print('PASS' if a <= 1e-4 and b == 0 else 'FAIL')" "$rel" "$rep" 2> /dev/null || echo FAIL)
    line "$status" "e2e.$name.infer" "cuda vs cpu outputs rel-L2 $rel (tol 1e-4); second cuda run vs first $rep (0 = bit-identical)"
  fi
  # Training on cuda: two runs from the same start.
  mark=$(lines "$log")
  run "$log" 60 "$sr" train "$m" --data "$d" --steps 3 "${common[@]}" --seed 3 --log-every 1 --out "$w/run-gpu" --device "$dev" $flags
  rc=$?
  miss=$(missing_kernels "$log" "$mark")
  if [[ -n $miss ]]; then
    line SKIP "e2e.$name.train" "cuda backend $miss"
    return
  elif ((rc != 0)); then
    line FAIL "e2e.$name.train" "cuda train: $(why "$log" $rc "$mark")"
    return
  fi
  run "$log" 60 "$sr" train "$m" --data "$d" --steps 3 "${common[@]}" --seed 3 --log-every 1 --out "$w/run-gpu2" --device "$dev" $flags
  text=$(py_report train --cpu "$w/run-cpu" --gpu "$w/run-gpu" --gpu2 "$w/run-gpu2" --steps 3 --tol 1e-3)
  status=$?
  # The trained weights, through their outputs on the CPU: the second cuda
  # run's against the first's (0: identical), the cpu run's against them.
  run "$log" 30 "$sr" infer "$m" --weights "$w/run-gpu/latest.fb" --data "$ref" --map targets --copy inputs "${common[@]}" --out "$w/trained-gpu.h5"
  run "$log" 30 "$sr" eval "$m" --weights "$w/run-gpu2/latest.fb" --data "$w/trained-gpu.h5" "${common[@]}" --metrics-json "$w/w2.json"
  run "$log" 30 "$sr" eval "$m" --weights "$w/run-cpu/latest.fb" --data "$w/trained-gpu.h5" "${common[@]}" --metrics-json "$w/wc.json"
  rep=$(py_report eval-rel "$w/w2.json")
  rel=$(py_report eval-rel "$w/wc.json")
  [[ $rep == 0.0 ]] || status=1
  text="$text; outputs of the trained weights: cuda repeat $rep, cpu vs cuda rel-L2 $rel"
  # The lit test's weight comparison, where h5py is available.
  if [[ -n $py_h5 ]]; then
    local r
    for r in cpu gpu gpu2; do
      run "$log" 30 "$sr" export "$m" --weights "$w/run-$r/latest.fb" --out "$w/w-$r.h5"
    done
    if run "$log" 30 "$py_h5" test/tools/cuda/Inputs/compare.py "$w/w-cpu.h5" "$w/w-gpu.h5" "$w/w-gpu2.h5" --tol 5e-3; then
      text="$text; weights (h5py): $(tail -1 "$log")"
    else
      text="$text; weights (h5py) FAIL: $(tail -1 "$log")"
      status=1
    fi
  else
    text="$text; weights not compared directly (no h5py)"
  fi
  if ((status == 0)); then
    line PASS "e2e.$name.train" "$text"
  else
    line FAIL "e2e.$name.train" "$text"
  fi
}

# At most E2E_LIMIT seconds for all models (a hanging device must not starve
# the steps after it).
e2e_step() {
  local name data batch flags start=$SECONDS
  [[ -f $kit/models.txt ]] || { line SKIP e2e "no kit"; return; }
  # name|shodhc arguments|data|batch|train flags|kernels covered
  while IFS='|' read -r name _ data batch flags _; do
    if ((SECONDS - start > ${E2E_LIMIT:-200})); then
      line SKIP "e2e.$name" "the e2e step's ${E2E_LIMIT:-200} s are spent"
      continue
    fi
    enough_time "e2e.$name" 40 && e2e_model "$name" "$data" "$batch" "$flags"
  done < "$kit/models.txt"
}

# ---- d. FNO-2D benchmarks: shodh-run and PyTorch (eager, compiled) ---------------------
load_fno2d() {
  FNO2D_BATCH=64 FNO2D_RES=128 FNO2D_WIDTH=64 FNO2D_MODES=16 FNO2D_LAYERS=4 FNO2D_CIN=3
  # shellcheck disable=SC1090
  [[ -f $kit/fno2d.env ]] && source "$kit/fno2d.env"
  [[ $dev == cpu ]] && FNO2D_BATCH=2
  fno2d_cfg="B=$FNO2D_BATCH ${FNO2D_RES}² width $FNO2D_WIDTH modes $FNO2D_MODES layers $FNO2D_LAYERS"
  peer_args=(--batch "$FNO2D_BATCH" --res "$FNO2D_RES" --width "$FNO2D_WIDTH" --modes "$FNO2D_MODES"
             --layers "$FNO2D_LAYERS" --cin "$FNO2D_CIN")
}

# enough_time NAME SECONDS: false (and a SKIP line) when less is left.
enough_time() {
  (($(left) >= $2)) && return 0
  line SKIP "$1" "no time left in the budget"
  return 1
}

# Where the torch peers run: the device shodh-run uses; cuda when only torch
# can use the GPU (their numbers still tell what the machine does); none.
bench_step() {
  local big=$kit/models/fno2d.fb l=$out/logs rc1 rc2 text s_inf s_tr sp="" tp
  load_fno2d
  enough_time bench 40 || return
  if [[ -z $tdev ]]; then
    # Smoke tests of the same commands on the CPU at a small size.
    text="no GPU ($gpu_reason)"
    if [[ -x $sr ]] && run "$l/bench-shodh-cpu.log" 60 "$sr" bench "$big" --program infer --batch 1 --warmup 0 --iters 1; then
      text="$text; cpu smoke: shodh-run bench of the FNO-2D batch 1 $(py_report json-get "$l/bench-shodh-cpu.log" median_ms) ms"
    fi
    if [[ -n $py_torch ]] && run "$l/bench-torch-cpu.log" 60 "$py_torch" bench/peers/torch_fno2d_gpu.py --device cpu --batch 2 --res 32 --width 8 --modes 4 --iters 2 --warmup 1; then
      text="$text; torch peer cpu (B=2 32² width 8): infer $(py_report json-get "$l/bench-torch-cpu.log" infer_ms) ms"
    fi
    line SKIP bench "$text"
    return
  fi
  if ((has_gpu)); then
    run "$l/bench-shodh-infer.log" 90 "$sr" bench "$big" --program infer --batch "$FNO2D_BATCH" --warmup "$warm" --iters "$iters" --device "$dev"
    rc1=$?
    run "$l/bench-shodh-train.log" 90 "$sr" bench "$big" --program train_step --batch "$FNO2D_BATCH" --warmup "$warm" --iters "$iters" --device "$dev"
    rc2=$?
    "$sr" inspect "$big" > "$l/fno2d-inspect.log" 2>&1
    sp=$(py_report params "$l/fno2d-inspect.log")
    s_inf=$(py_report json-get "$l/bench-shodh-infer.log" median_ms)
    s_tr=$(py_report json-get "$l/bench-shodh-train.log" median_ms)
    text="FNO-2D $fno2d_cfg on $dev: infer $s_inf ms, train_step $s_tr ms (median of $iters after $warm; outputs downloaded each run); $sp parameters"
    if ((rc1 == 0 && rc2 == 0)); then
      line PASS bench.shodh "$text"
    else
      line FAIL bench.shodh "$text; infer: $(why "$l/bench-shodh-infer.log" $rc1); train_step: $(why "$l/bench-shodh-train.log" $rc2)"
    fi
  else
    line SKIP bench.shodh "shodh-run cannot use the GPU ($gpu_reason); the torch peers run alone"
  fi
  if [[ -z $py_torch ]]; then
    line SKIP bench.torch "no python with torch"
    return
  fi
  run "$l/bench-torch-eager.log" 120 "$py_torch" bench/peers/torch_fno2d_gpu.py --device "$tdev" "${peer_args[@]}" --iters "$iters" --warmup "$warm"
  tp=$(py_report json-get "$l/bench-torch-eager.log" params)
  text=$(py_report bench --shodh-infer "$l/bench-shodh-infer.log" --shodh-train "$l/bench-shodh-train.log" --eager "$l/bench-torch-eager.log")
  # report's exit status: 0 when both eager ratios reach the 2x target.
  if (($? == 0)); then
    emit_bench_lines "$text" PASS "$sp" "$tp" ""
  else
    emit_bench_lines "$text" FAIL "$sp" "$tp" ""
  fi
}

# emit_bench_lines TEXT SPEEDUP_STATUS SHODH_PARAMS TORCH_PARAMS SUFFIX: the
# report's "label|text" lines as summary lines; the torch peer's parameter
# count must equal Shodh's.
emit_bench_lines() {
  local text=$1 speed_status=$2 sp=$3 tp=$4 suffix=$5 label body status
  while IFS='|' read -r label body; do
    [[ -n $label ]] || continue
    if [[ $label == speedup ]]; then
      line "$speed_status" "bench.speedup$suffix" "$body"
      continue
    fi
    status=PASS
    [[ $body == *error* || $body == *n/a* ]] && status=FAIL
    if [[ -n $sp ]]; then
      if [[ $tp == "$sp" ]]; then
        body="$body; params $tp = shodh"
      else
        body="$body; params $tp != shodh $sp"
        status=FAIL
      fi
    fi
    line "$status" "bench.torch-$label" "$body"
  done <<< "$text"
}

compile_step() {
  local l=$out/logs text limit rc
  load_fno2d
  if [[ -z $tdev ]]; then
    if [[ -n $py_torch ]] && run "$l/bench-compile-cpu.log" 120 "$py_torch" bench/peers/torch_fno2d_gpu.py --device cpu --batch 2 --res 32 --width 8 --modes 4 --iters 2 --warmup 1 --programs infer --compile; then
      line SKIP bench.torch-compiled "no GPU; cpu smoke of --compile (B=2 32² width 8, infer): $(py_report json-get "$l/bench-compile-cpu.log" infer_ms) ms"
    else
      line SKIP bench.torch-compiled "no GPU; cpu smoke of --compile: $(py_report json-get "$l/bench-compile-cpu.log" error)"
    fi
    return
  fi
  [[ -n $py_torch ]] || { line SKIP bench.torch-compiled "no python with torch"; return; }
  # torch.compile (mode default); if a program fails to compile, again with
  # the spectral layers left eager (the peer's --spectral-eager).
  local variant log extra
  for variant in full spectral-eager; do
    log=$l/bench-torch-compile.log extra=()
    if [[ $variant == spectral-eager ]]; then
      grep -q '_error"' "$l/bench-torch-compile.log" 2> /dev/null || break
      log=$l/bench-torch-compile-se.log extra=(--spectral-eager)
    fi
    limit=$(($(left) - 15))
    ((limit > 240)) && limit=240
    if ((limit < 30)); then
      line SKIP "bench.torch-compiled${extra:+-se}" "no time left in the budget"
      break
    fi
    run "$log" "$limit" "$py_torch" bench/peers/torch_fno2d_gpu.py --device "$tdev" "${peer_args[@]}" \
      --iters "$iters" --warmup "$warm" --compile ${extra[@]+"${extra[@]}"}
    rc=$?
    if [[ -z $(py_report json-get "$log" peer) ]]; then
      line FAIL "bench.torch-compiled${extra:+-se}" "$(why "$log" $rc) (torch.compile, mode default)"
      break
    fi
    text=$(py_report bench --shodh-infer "$l/bench-shodh-infer.log" --shodh-train "$l/bench-shodh-train.log" \
      --compiled "$log")
    emit_bench_lines "$text" INFO "" "" "-compiled${extra:+-se}"
    if ((rc == 124 || rc == 137)); then
      line FAIL "bench.torch-compiled${extra:+-se}" "time limit reached (${limit} s) before every program was timed"
      break
    fi
  done
}

# ---- e. HBM fraction of the fused spectral layer; where the time goes ----------------
hbm_step() {
  local l=$out/logs text
  load_fno2d
  enough_time hbm 30 || return
  if [[ -z $tdev ]]; then
    if [[ -n $py_torch ]] && run "$l/copy-cpu.log" 30 "$py_torch" bench/peers/torch_copy_rate.py --device cpu --mib 64 --iters 3; then
      text="cpu smoke: torch copy $(py_report json-get "$l/copy-cpu.log" copy_gbs) GB/s"
    fi
    if [[ -x $sr ]] && run "$l/profile-cpu.log" 60 "$sr" bench "$kit/models/fno.fb" --program infer --batch 2 --warmup 1 --iters 2 --profile; then
      text="$text; profile parse: $(py_report profile "$l/profile-cpu.log") (fno 32², cpu)"
    fi
    line SKIP hbm "no GPU; ${text:-nothing ran}"
    return
  fi
  if [[ -n $py_torch ]]; then
    run "$l/copy-rate.log" 60 "$py_torch" bench/peers/torch_copy_rate.py --device "$tdev" --mib "$copy_mib" --iters 20
    line INFO copy-rate "$(py_report json-get "$l/copy-rate.log" copy_gbs) GB/s device-to-device (torch copy_ of $copy_mib MiB, bytes read + written)"
  fi
  if ((!has_gpu)); then
    line SKIP hbm "shodh-run cannot use the GPU ($gpu_reason)"
    return
  fi
  run "$l/profile-infer.log" 90 "$sr" bench "$kit/models/fno2d.fb" --program infer --batch "$FNO2D_BATCH" --warmup "$pwarm" --iters "$piters" --device "$dev" --profile
  text=$(py_report hbm --profile "$l/profile-infer.log" --copy "$l/copy-rate.log" --modes "$FNO2D_MODES")
  case $? in
    0) line PASS hbm "$text" ;;
    *) line FAIL hbm "${text:-no result}" ;;
  esac
  line INFO profile.infer "$(py_report profile "$l/profile-infer.log" --top 5)"
  run "$l/profile-train.log" 90 "$sr" bench "$kit/models/fno2d.fb" --program train_step --batch "$FNO2D_BATCH" --warmup "$pwarm" --iters "$piters" --device "$dev" --profile &&
    line INFO profile.train_step "$(py_report profile "$l/profile-train.log" --top 6)"
}

# ---- main ---------------------------------------------------------------------------
find_python
lib_dirs_found=$(lib_dirs_search)
py_any=$py_torch
if [[ -z $py_any ]]; then
  for p in ${PYTHON:-} python3 python /usr/bin/python3; do
    command -v "$p" > /dev/null 2>&1 && { py_any=$(command -v "$p"); break; }
  done
fi
py_h5=""
for p in $py_torch ${PYTHON:-} python3 /usr/bin/python3; do
  "$p" -c "import h5py, numpy" 2> /dev/null && { py_h5=$p; break; }
done
has_gpu=0
gpu_reason="not checked"
# GPU_CHECK_FAKE=cpu: every device step runs with --device cpu at batch 2 and
# few iterations (a test of this script's GPU path where there is no GPU;
# the numbers mean nothing).
dev=cuda iters=50 warm=10 piters=10 pwarm=3 copy_mib=1024
if [[ ${GPU_CHECK_FAKE:-} == cpu ]]; then
  dev=cpu iters=3 warm=1 piters=2 pwarm=1 copy_mib=64
fi

echo "# gpu-check $(date -u +%Y-%m-%dT%H:%M:%SZ), kit $kit, budget ${budget}s" | tee -a "$summary"
[[ $dev == cpu ]] &&
  echo "# FAKE RUN (GPU_CHECK_FAKE=cpu): device steps run on the CPU; numbers are meaningless" | tee -a "$summary"
unpack_kit
probe_step
device_check
tdev=""
if ((has_gpu)); then
  tdev=$dev
elif ((torch_cuda)); then
  tdev=cuda
fi
want cuda_test && cuda_test_step
want bench && bench_step
want hbm && hbm_step
want e2e && e2e_step
want compile && compile_step
echo "# done in $((SECONDS - t0)) s; h5py: ${py_h5:-missing}; logs in $out/logs" | tee -a "$summary"
((own_work)) && rm -rf "$work"
