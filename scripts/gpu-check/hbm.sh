# shellcheck shell=bash
# Part of scripts/gpu-check.sh (sourced; docs/gpu-check.md): e. HBM fraction of the fused spectral layer.
# Functions only; they use the settings gpu-check.sh defines before sourcing.

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

