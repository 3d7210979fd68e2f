#!/usr/bin/env bash
# The GPU check (docs/gpu-check.md): everything Shodh wants to know from a
# GPU machine, in one call of at most ~8 minutes. Runs ON THE DEVICE from the
# repository root, with the kit of scripts/gpu-kit.sh carried along:
#   bash scripts/gpu-check.sh          (run tool: carry=["gpu-kit"], timeout_s=540)
# Needs bash, coreutils, findutils, the kit's binaries and, for the PyTorch
# peers and the summary, the machine's python (+ torch); nothing is built or
# installed. Writes under ${OUT:-./gpu-out}: probe.txt, summary.txt (one line
# per check: PASS/FAIL/SKIP + key numbers), cuda_test/ (a JSON report and
# log per test suite) and logs/*.log.
# Every step has its own time limit and the run stays inside a total budget
# (GPU_CHECK_BUDGET seconds, default 450): a step that fails or times out is
# reported and the next one runs. Where no GPU is usable every device step
# SKIPs with the reason, and the CPU halves of the checks still run (the
# self-test of the scripts on a machine without a GPU).
# Environment: OUT, GPU_KIT (default gpu-kit/), GPU_CHECK_BUDGET,
# GPU_CHECK_STEPS (comma list of probe,cuda_test,e2e,bench,hbm,compile,sanitize;
# default all; probe always runs), PYTHON (the python with torch),
# GPU_CHECK_WORK (scratch for checkpoints, default a new /tmp folder),
# GPU_CHECK_LIB_DIRS (colon list searched first for missing libraries),
# GPU_CHECK_FAKE (cpu or emu: a run without a GPU, below), GPU_CHECK_EMU_BIN,
# GPU_CHECK_SANITIZER (the compute-sanitizer to use).
set -u
# A relative GPU_CHECK_EMU_BIN is the caller's (the script works from the root).
[[ -n ${GPU_CHECK_EMU_BIN:-} && -d ${GPU_CHECK_EMU_BIN:-} ]] && GPU_CHECK_EMU_BIN=$(cd "$GPU_CHECK_EMU_BIN" && pwd -P)
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
kit=${GPU_KIT:-$root/gpu-kit}
out=${OUT:-$root/gpu-out}
budget=${GPU_CHECK_BUDGET:-450}
steps=",${GPU_CHECK_STEPS:-probe,cuda_test,e2e,bench,hbm,compile,sanitize},"
fake=${GPU_CHECK_FAKE:-}
[[ -z $fake || $fake == cpu || $fake == emu ]] ||
  { echo "gpu-check: GPU_CHECK_FAKE must be cpu or emu (or unset: a real run), not '$fake'" >&2; exit 2; }
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


# The steps live in scripts/gpu-check/ (one file per part, functions only).
for part in helpers probe e2e bench hbm sanitize; do
  # shellcheck source=/dev/null
  source "$root/scripts/gpu-check/$part.sh" || { echo "gpu-check: cannot read scripts/gpu-check/$part.sh" >&2; exit 1; }
done

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
# the numbers mean nothing). GPU_CHECK_FAKE=emu: the device steps run with
# --device cuda on the CUDA host emulator (docs/cuda.md § Host emulation)
# instead of the kit's binaries: shodh-run, cuda_emu_test and
# libshodh_cudaemu.so of a normal build (GPU_CHECK_EMU_BIN, default
# build/bin), so the CUDA backend's host and device code runs every model
# of the kit against the CPU; the torch peers run on the CPU.
dev=cuda iters=50 warm=10 piters=10 pwarm=3 copy_mib=1024 runs_on="the GPU"
case $fake in
  cpu) dev=cpu iters=3 warm=1 piters=2 pwarm=1 copy_mib=64 runs_on="the CPU" ;;
  emu) iters=1 warm=0 piters=1 pwarm=0 copy_mib=64 runs_on="the CUDA host emulator" ;;
esac

echo "# gpu-check $(date -u +%Y-%m-%dT%H:%M:%SZ), kit $kit, budget ${budget}s" | tee -a "$summary"
[[ -n $fake ]] &&
  echo "# FAKE RUN (GPU_CHECK_FAKE=$fake): device steps run on $runs_on; numbers are meaningless" | tee -a "$summary"
unpack_kit
if [[ $fake == emu ]] && ! use_emulator; then
  ((own_work)) && rm -rf "$work"
  exit 2
fi
probe_step
device_check
tdev=""
if [[ $fake == emu ]]; then
  tdev=cpu # no GPU for torch: its peers run on the CPU
elif ((has_gpu)); then
  tdev=$dev
elif ((torch_cuda)); then
  tdev=cuda
fi
want cuda_test && cuda_test_step
# The FNO training step against the CPU before the benchmarks (issue 9's
# whole-step parity), the other models after them.
want e2e && e2e_step first
want bench && bench_step
want hbm && hbm_step
want e2e && e2e_step rest
want compile && compile_step
want sanitize && sanitize_step
echo "# done in $((SECONDS - t0)) s; h5py: ${py_h5:-missing}; logs in $out/logs" | tee -a "$summary"
((own_work)) && rm -rf "$work"
