# shellcheck shell=bash
# Part of scripts/gpu-check.sh (sourced; docs/gpu-check.md): d. FNO-2D benchmarks against PyTorch eager and torch.compile.
# Functions only; they use the settings gpu-check.sh defines before sourcing.

# ---- d. FNO-2D benchmarks: shodh-run and PyTorch (eager, compiled) ---------------------
load_fno2d() {
  FNO2D_BATCH=64 FNO2D_RES=128 FNO2D_WIDTH=64 FNO2D_MODES=16 FNO2D_LAYERS=4 FNO2D_CIN=3
  # shellcheck disable=SC1090
  [[ -f $kit/fno2d.env ]] && source "$kit/fno2d.env"
  [[ -n $fake ]] && FNO2D_BATCH=2
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
      # A fake run's numbers are not the GPU's: not judged.
      [[ -n $fake ]] && speed_status=INFO body="$body (fake run: not judged)"
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

