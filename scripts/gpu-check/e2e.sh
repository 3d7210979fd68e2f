# shellcheck shell=bash
# Part of scripts/gpu-check.sh (sourced; docs/gpu-check.md): b. cuda_test and c. shodh-run end to end, cuda against cpu.
# Functions only; they use the settings gpu-check.sh defines before sourcing.

# ---- b. cuda_test --------------------------------------------------------------------
cuda_test_step() {
  local log=$out/logs/cuda_test.log dir=$out/cuda_test rc text status
  [[ -x $ct ]] || { line SKIP cuda_test "no kit"; return; }
  rm -rf "$dir"
  mkdir -p "$dir"
  # One process per test suite, 8 at a time: a device fault is sticky in
  # its process (every later call fails), so it cannot fail the suites run
  # after it, and a crash stops one suite only.
  # Suites are the unindented lines ending in '.' (not gtest_main's banner).
  timeout -k 5 60 "$ct" --gtest_list_tests < /dev/null 2>> "$log" |
    awk '/^[^ ]/ && $1 ~ /\.$/ { sub(/\.$/, "", $1); print $1 }' > "$dir/suites.txt"
  if [[ ! -s $dir/suites.txt ]]; then
    line FAIL cuda_test "no test suites listed: $(tail -1 "$log" | cut -c1-240)"
    return
  fi
  run "$log" 180 xargs -r -a "$dir/suites.txt" -P 8 -n 1 bash -c \
    'ct=$1 dir=$2 s=$3; f=${s//\//_}; "$ct" --gtest_filter="$s.*" --gtest_output="json:$dir/$f.json" > "$dir/$f.log" 2>&1; echo "$s: exit $?"' \
    _ "$ct" "$dir"
  rc=$?
  local expect=()
  ((has_gpu)) && expect=(--expect-device)
  text=$(py_report gtest --dir "$dir" ${expect[@]+"${expect[@]}"})
  status=$?
  [[ -n $text ]] || text="$(cat "$dir"/*.log | grep -c '^\[       OK') OK, $(cat "$dir"/*.log | grep -c '^\[  FAILED') FAILED lines (no python for the report)"
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
# e2e_step first|rest|all: the fno model, the others, or every model.
e2e_step() {
  local part=${1:-all} name data batch flags start=$SECONDS
  [[ -f $kit/models.txt ]] || { [[ $part == rest ]] || line SKIP e2e "no kit"; return; }
  # name|shodhc arguments|data|batch|train flags|kernels covered
  while IFS='|' read -r name _ data batch flags _; do
    [[ $part == first && $name != fno ]] && continue
    [[ $part == rest && $name == fno ]] && continue
    if ((SECONDS - start > ${E2E_LIMIT:-200})); then # per part
      line SKIP "e2e.$name" "the e2e step's ${E2E_LIMIT:-200} s are spent"
      continue
    fi
    enough_time "e2e.$name" 40 && e2e_model "$name" "$data" "$batch" "$flags"
  done < "$kit/models.txt"
}

