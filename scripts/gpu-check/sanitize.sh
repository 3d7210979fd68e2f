# shellcheck shell=bash
# Part of scripts/gpu-check.sh (sourced; docs/gpu-check.md): f. cuda_test under NVIDIA's compute-sanitizer.
# Functions only; they use the settings gpu-check.sh defines before sourcing.

# ---- f. compute-sanitizer: memcheck and racecheck of the CUDA parity tests -------------
# The hardware's own check of what the host emulator checks on the CPU:
# memcheck (out-of-bounds and misaligned device accesses, bad frees) and
# racecheck (shared-memory hazards between threads of a block). Where the
# machine has compute-sanitizer and its GPU accepts it (the workplace's
# Firecracker machines do; its gVisor machines answer "Device not
# supported"); last, with what is left of the budget: a time limit stops
# a tool part-way, and its line says how many tests ran without an error.

# The compute-sanitizer to use: GPU_CHECK_SANITIZER (which must then be an
# executable), else the PATH's, else a CUDA toolkit's; false if none.
find_sanitizer() {
  local c
  if [[ -n ${GPU_CHECK_SANITIZER:-} ]]; then
    [[ -x $GPU_CHECK_SANITIZER ]] && echo "$GPU_CHECK_SANITIZER"
    return
  fi
  for c in compute-sanitizer /usr/local/cuda/bin/compute-sanitizer \
    /usr/local/cuda*/bin/compute-sanitizer /opt/nvidia/*/compute-sanitizer; do
    command -v "$c" 2> /dev/null && return 0
  done
  return 1
}

# The tests each tool runs: every parity suite for memcheck; for racecheck
# those whose kernels use __shared__ (blockSum in Linear.cu, Reduce.cu,
# LayerNorm.cu and RouterLoss.cu: linear's bias gradient, also inside
# channel_mlp and spectral_conv_grad with skip parameters, row sums, the
# losses and gradient norm, layer norm's gamma gradient, router losses).
sanitize_filter() {
  case $1 in
    memcheck) echo "Cuda*Parity.*:SpectralGradParity.*:UnfusedSpectralParity.*:SessionCuda.*" ;;
    racecheck) echo "CudaParity.Linear*:CudaParity.LossesAndGradients:CudaParity.SumsAreDeterministic:CudaParity.GradNormClipStep:CudaLayerNormParity.*:CudaRoutingParity.RouterLossesMatchTheCpu:CudaChannelMlpParity.*:SpectralGradParity.LayerGradientWithSkipAndActivation" ;;
  esac
}

sanitize_step() {
  local cs tool log limit rc errors warnings ran first verdict refused
  if ((!has_gpu)); then
    line SKIP sanitize "no GPU ($gpu_reason)"
    return
  fi
  [[ -x $ct ]] || { line SKIP sanitize "no kit"; return; }
  cs=$(find_sanitizer) || {
    line SKIP sanitize "no compute-sanitizer${GPU_CHECK_SANITIZER:+ at $GPU_CHECK_SANITIZER (GPU_CHECK_SANITIZER)}${GPU_CHECK_SANITIZER:- on this machine}"
    return
  }
  for tool in memcheck racecheck; do
    log=$out/logs/sanitize-$tool.log
    : > "$log" # its counts are this run's alone
    limit=$(($(left) - 15))
    ((limit > 120)) && limit=120
    if ((limit < 30)); then
      line SKIP "sanitize.$tool" "no time left in the budget"
      continue
    fi
    run "$log" "$limit" "$cs" --tool "$tool" --error-exitcode 99 --print-limit 20 \
      "$ct" --gtest_filter="$(sanitize_filter "$tool")"
    rc=$?
    # memcheck ends with "ERROR SUMMARY: N errors", racecheck with
    # "RACECHECK SUMMARY: H hazards displayed (E errors, W warnings)". A
    # racecheck warning is a hazard too (no kernel relies on warps moving
    # in lock-step, which sm_70 and later do not guarantee).
    verdict=$(grep -E "ERROR SUMMARY: [0-9]+ error|RACECHECK SUMMARY: [0-9]+ hazard" "$log" | tail -1)
    errors=$(grep -oE "ERROR SUMMARY: [0-9]+ error|\([0-9]+ errors?" "$log" | grep -oE "[0-9]+" |
      awk '$1 > m {m = $1} END {print m + 0}')
    warnings=$(grep -oE "[0-9]+ warnings?\)" "$log" | grep -oE "[0-9]+" | awk '$1 > m {m = $1} END {print m + 0}')
    ran=$(grep -c '^\[       OK \]' "$log")
    first=$(grep -m1 -iE "^=+ +(invalid|race|error:|warning:|program hit|uninitiali[sz]ed|misaligned|illegal|out-of-range|hardware|malloc|leak)" "$log" | cut -c1-240)
    refused=$(grep -m1 -oE "Device not supported|Unable to find injection library|Target application terminated before first instrumented API call" "$log")
    if [[ -n $refused ]]; then
      line SKIP "sanitize.$tool" "compute-sanitizer cannot run here: $refused"
    elif ((errors > 0 || warnings > 0 || rc == 99)); then
      line FAIL "sanitize.$tool" "$errors errors, $warnings warnings in $ran tests that passed their own checks; first: ${first:-see logs/sanitize-$tool.log}"
    elif ((rc == 124 || rc == 137)); then
      line INFO "sanitize.$tool" "time limit (${limit} s) reached after $ran tests, no error in them"
    elif ((rc != 0)); then
      line FAIL "sanitize.$tool" "exit $rc after $ran tests: $(grep -m1 '^\[  FAILED  \]' "$log" || why "$log" "$rc")"
    elif [[ -z $verdict ]]; then
      line INFO "sanitize.$tool" "no summary from compute-sanitizer after $ran tests: not judged (logs/sanitize-$tool.log)"
    elif ((ran == 0)); then
      line INFO "sanitize.$tool" "no test ran (all skipped or filtered out): not judged"
    else
      line PASS "sanitize.$tool" "$ran tests, 0 errors, 0 warnings ($cs)"
    fi
  done
}
