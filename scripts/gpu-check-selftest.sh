#!/usr/bin/env bash
# Self-test of the GPU check (docs/gpu-check.md § Testing the scripts), for
# a machine without a GPU and without the kit (a few seconds):
#  1. scripts/gpu_check_report.py on small made-up logs: a --profile table
#     (rows with "(+1)" extra outputs), a GoogleTest JSON report and a log
#     cut by a crash, three runs' metrics.jsonl, bench JSON lines, and the
#     HBM arithmetic checked against numbers worked out by hand;
#  2. scripts/gpu-check.sh with no kit: it must finish (exit 0), write a
#     probe and a summary whose every line is a comment or starts with
#     PASS/FAIL/SKIP/WARN/INFO, report the missing kit, and skip every device
#     step with a reason;
#  3. the library fix of the probe (where gcc exists): a stand-in shodh-run
#     linked to a library outside the loader's paths is made runnable by
#     finding that library (as libcublas in a python wheel's nvidia/*/lib).
#   bash scripts/gpu-check-selftest.sh [--with-kit] [--with-emu]
# --with-kit also runs the whole check with GPU_CHECK_FAKE=cpu on the kit of
# scripts/gpu-kit.sh (every device step on the CPU; ~40 s on 2 cores), and
# --with-emu with GPU_CHECK_FAKE=emu (every device step with --device cuda on
# the CUDA host emulator of build/bin or GPU_CHECK_EMU_BIN): the device,
# cuda_test, e2e and bench lines must PASS.
set -euo pipefail
for arg in "$@"; do
  case $arg in
    --with-kit | --with-emu) ;;
    *) echo "selftest: unknown argument $arg (--with-kit, --with-emu)" >&2; exit 2 ;;
  esac
done
unset GPU_CHECK_FAKE # parts 2 and 3 are real (no-GPU) runs
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
py=""
for p in ${PYTHON:-} python3 /usr/bin/python3; do
  command -v "$p" > /dev/null 2>&1 && { py=$p; break; }
done
[[ -n $py ]] || { echo "selftest: no python3"; exit 1; }
report() { "$py" scripts/gpu_check_report.py "$@"; }
fail() { echo "selftest FAILED: $*" >&2; exit 1; }
expect() { # expect WHAT GOT WANT: equal, or starting with WANT less its final '*'
  local want=$3
  if [[ $want == *'*' ]]; then
    want=${want%'*'}
    [[ ${2:0:${#want}} == "$want" ]] || fail "$1: got '$2', want '$3'"
  else
    [[ $2 == "$want" ]] || fail "$1: got '$2', want '$3'"
  fi
}

# ---- 1. the report tool --------------------------------------------------------
cat > "$tmp/profile.log" << 'EOF'
profile of infer: 10.000 ms/run in 3 calls (mean over 5 runs)
   call  kernel               output                                    ms/run      %
     #1  spectral_conv        infer.spectral_conv1 [64, 64, 128, 128]   2.0000   20.0
     #4  spectral_conv        infer.spectral_conv4 [64, 64, 128, 128]   4.0000   40.0
    #26  spectral_conv_grad   train_step.g26 [64, 64, 128, 128] (+1)    4.0000   40.0
{"program": "infer", "batch": 64, "threads": 1, "median_ms": 10.5, "min_ms": 10, "max_ms": 11, "iters": 5}
EOF
echo '{"peer": "torch 2.9.0", "device": "cuda", "copy_gbs": 2000.0}' > "$tmp/copy.log"
got=$(report profile "$tmp/profile.log" --top 2)
expect "profile" "$got" "10.000 ms/run in 3 calls; spectral_conv 60% (2 calls), spectral_conv_grad 40% (1 calls)"
# Per call 3 ms; x = y = 64*64*128*128*4 B = 268.435456 MB, w = 64*64*2*16*16*8
# B = 16.777216 MB: 553.648128 MB / 3 ms = 184.5 GB/s = 9.2 % of 2000 GB/s.
got=$(report hbm --profile "$tmp/profile.log" --copy "$tmp/copy.log" --modes 16)
expect "hbm" "$got" "spectral_conv 3.0000 ms/call (mean of 2 calls, [64, 64, 128, 128]); copy 2000 GB/s (cuda); x+y+w 553.6 MB -> 185 GB/s = 9.2% of copy;*"
expect "json-get" "$(report json-get "$tmp/profile.log" median_ms)" "10.5"

mkdir -p "$tmp/cpu" "$tmp/gpu" "$tmp/gpu2"
for s in 1 2 3; do echo "{\"step\": $s, \"loss\": 1.$s}"; done > "$tmp/cpu/metrics.jsonl"
for s in 1 2 3; do echo "{\"step\": $s, \"loss\": 1.${s}0001}"; done > "$tmp/gpu/metrics.jsonl"
cp "$tmp/gpu/metrics.jsonl" "$tmp/gpu2/metrics.jsonl"
report train --cpu "$tmp/cpu" --gpu "$tmp/gpu" --gpu2 "$tmp/gpu2" > /dev/null || fail "train: equal runs rejected"
echo '{"step": 3, "loss": 1.4}' >> "$tmp/gpu2/metrics.jsonl"
if report train --cpu "$tmp/cpu" --gpu "$tmp/gpu" --gpu2 "$tmp/gpu2" > /dev/null; then
  fail "train: differing cuda runs accepted"
fi

cat > "$tmp/gtest.json" << 'EOF'
{"tests": 3, "failures": 1, "time": "1.5s", "testsuites": [{"name": "Cuda", "testsuite": [
 {"name": "A", "result": "COMPLETED"}, {"name": "B", "result": "SKIPPED"},
 {"name": "C", "result": "COMPLETED", "failures": [{"failure": "x"}]}]}]}
EOF
got=$(report gtest --json "$tmp/gtest.json" --log /dev/null) && fail "gtest: a failure passed"
expect "gtest" "$got" "3 tests: 1 passed, 1 failed, 1 skipped (1.5s); failed (in run order): Cuda.C"
printf '[ RUN      ] Cuda.A\n[       OK ] Cuda.A (1 ms)\n[ RUN      ] Cuda.B\n' > "$tmp/crash.log"
got=$(report gtest --json "$tmp/none.json" --log "$tmp/crash.log") && fail "gtest: a crash passed"
expect "gtest crash" "$got" "1 tests: 1 passed, 0 failed, 0 skipped; stopped inside Cuda.B*"
# Per-suite runs (cuda_test step): failures in suite order, not sorted; a
# suite without a JSON report is read from its log.
mkdir -p "$tmp/suites"
printf 'Zeta\nPar/Alpha\nCrash\n' > "$tmp/suites/suites.txt"
sed 's/"Cuda"/"Zeta"/' "$tmp/gtest.json" > "$tmp/suites/Zeta.json"
sed 's/"Cuda"/"Par\/Alpha"/' "$tmp/gtest.json" > "$tmp/suites/Par_Alpha.json"
printf '[ RUN      ] Crash.A\n' > "$tmp/suites/Crash.log"
got=$(report gtest --dir "$tmp/suites") && fail "gtest --dir: failures passed"
expect "gtest --dir" "$got" "6 tests: 2 passed, 2 failed, 2 skipped; stopped inside Crash.A (crash or time limit: no JSON report); failed (in run order): Zeta.C, Par/Alpha.C"
# A suite that died before its first test (no report, nothing running).
printf 'Early\n' > "$tmp/suites/suites.txt"
printf '[----------] 3 tests from Early\nSegmentation fault\n' > "$tmp/suites/Early.log"
got=$(report gtest --dir "$tmp/suites") && fail "gtest --dir: a suite that died passed"
expect "gtest --dir early" "$got" "0 tests: 0 passed, 0 failed, 0 skipped; stopped inside Early.* (exited without a report) (crash or time limit: no JSON report)"

echo '{"program": "infer", "median_ms": 10.0}' > "$tmp/si.log"
echo '{"program": "train_step", "median_ms": 30.0}' > "$tmp/st.log"
echo '{"peer": "torch 2.9.0", "params": 5, "infer_ms": 25.0, "train_step_ms": 45.0}' > "$tmp/eager.log"
got=$(report bench --shodh-infer "$tmp/si.log" --shodh-train "$tmp/st.log" --eager "$tmp/eager.log") &&
  fail "bench: 1.5x passed the 2x target"
expect "bench" "$(tail -1 <<< "$got")" "speedup|infer 2.50x vs eager; train_step 1.50x vs eager (target >= 2x eager)"

# ---- 2. gpu-check.sh without a kit ---------------------------------------------------
start=$SECONDS
GPU_KIT="$tmp/no-kit" OUT="$tmp/out" GPU_CHECK_STEPS=probe,cuda_test,e2e,bench,hbm \
  bash scripts/gpu-check.sh > "$tmp/check.txt" 2>&1 || { cat "$tmp/check.txt"; fail "gpu-check.sh exited $?"; }
sum=$tmp/out/summary.txt
[[ -s $tmp/out/probe.txt ]] || fail "no probe.txt"
bad=$(grep -vE '^(#|PASS|FAIL|SKIP|WARN|INFO) ' "$sum" || true)
[[ -z $bad ]] || fail "summary lines without a status: $bad"
grep -q '^PASS probe ' "$sum" || fail "no probe line"
grep -q '^FAIL kit .*no kit' "$sum" || fail "the missing kit is not reported"
grep -q '^SKIP device ' "$sum" || fail "device not skipped"
grep -q '^SKIP cuda_test ' "$sum" || fail "cuda_test not skipped"
grep -q '^SKIP bench ' "$sum" || fail "bench not skipped"
grep -q '^# done in ' "$sum" || fail "no final line"
echo "selftest: report tool and no-kit run OK ($((SECONDS - start)) s for gpu-check.sh)"

# ---- 3. the library fix: a "shodh-run" needing a library the loader cannot find
if command -v gcc > /dev/null 2>&1; then
  mkdir -p "$tmp/kit/bin" "$tmp/wheel/nvidia/cu99/lib"
  echo 'int kitFake(void) { return 0; }' > "$tmp/fake.c"
  gcc -shared -fPIC -o "$tmp/wheel/nvidia/cu99/lib/libkitfake.so.1" -Wl,-soname,libkitfake.so.1 "$tmp/fake.c"
  echo 'int kitFake(void); int main(void) { return kitFake() + 1; }' > "$tmp/main.c"
  gcc -o "$tmp/shodh-run" "$tmp/main.c" -L"$tmp/wheel/nvidia/cu99/lib" -l:libkitfake.so.1
  gzip -c "$tmp/shodh-run" > "$tmp/kit/bin/shodh-run.gz"
  GPU_KIT="$tmp/kit" OUT="$tmp/libs" GPU_CHECK_STEPS=probe GPU_CHECK_LIB_DIRS="$tmp/none:$tmp/wheel/nvidia/cu99/lib" \
    bash scripts/gpu-check.sh > /dev/null 2>&1 || fail "gpu-check.sh (library fix) exited $?"
  grep -q "libkitfake.so.1: not found by the loader; using $tmp/wheel/nvidia/cu99/lib" "$tmp/libs/probe.txt" ||
    fail "the missing library was not found: $(grep -A3 'ldd before' "$tmp/libs/probe.txt")"
  grep -A3 "ldd after" "$tmp/libs/probe.txt" | grep -q "libkitfake.so.1 => $tmp/wheel" ||
    fail "LD_LIBRARY_PATH not effective: $(grep -A3 'ldd after' "$tmp/libs/probe.txt")"
  echo "selftest: library fix OK"
fi

# ---- 4. optional: the whole check on the kit, device steps on the CPU ----------------
# A stand-in for compute-sanitizer: runs the program (its output passes
# through) and reports as CS_MODE says: clean (each tool's summary, no
# error), errors (memcheck errors, exit 99), warnings (racecheck warnings
# only, exit 0), nosummary (no summary line) or refused (the GPU refuses
# the tool, as the workplace's gVisor machines do).
write_stand_in() {
  cat > "$tmp/cs" << 'STANDIN'
#!/usr/bin/env bash
tool=memcheck
while [[ $1 == --* ]]; do
  case $1 in
    --tool) tool=$2; shift 2 ;;
    --error-exitcode | --print-limit) shift 2 ;;
    *) shift ;;
  esac
done
[[ $CS_MODE == refused ]] && { echo "========= Error: Device not supported"; exit 1; }
"$@"
rc=$?
case $CS_MODE/$tool in
  errors/memcheck) printf '%s\n' "========= Invalid __global__ read of size 4 bytes" "========= ERROR SUMMARY: 2 errors"; exit 99 ;;
  warnings/racecheck) printf '%s\n' "========= Warning: Race reported between Write access at 0x10" \
    "========= RACECHECK SUMMARY: 1 hazard displayed (0 errors, 1 warning)"; exit "$rc" ;;
  nosummary/*) exit "$rc" ;;
esac
if [[ $tool == racecheck ]]; then
  echo "========= RACECHECK SUMMARY: 0 hazards displayed (0 errors, 0 warnings)"
else
  echo "========= ERROR SUMMARY: 0 errors"
fi
exit "$rc"
STANDIN
  chmod +x "$tmp/cs"
}

# fake_run MODE: gpu-check.sh with GPU_CHECK_FAKE=MODE on the kit; every
# device, cuda_test, e2e and bench.shodh line must pass (12 e2e lines), and
# none of the torch peers' and hbm lines fail. Then the sanitize step's
# outcomes through the stand-in: clean (PASS where tests ran, as on the
# emulator; INFO where every test skips, as the kit's cuda_test does
# without a GPU), memcheck errors (FAIL quoting the first), racecheck
# warnings (FAIL), no summary (INFO) and refused (SKIP).
fake_run() {
  local mode=$1 sum bad n rc=0 got want
  [[ -f gpu-kit/MANIFEST.txt ]] || fail "--with-$mode: no gpu-kit/ (bash scripts/gpu-kit.sh)"
  write_stand_in
  CS_MODE=clean GPU_CHECK_FAKE=$mode OUT="$tmp/fake-$mode" GPU_CHECK_STEPS=probe,cuda_test,e2e,bench,hbm,sanitize \
    GPU_CHECK_SANITIZER="$tmp/cs" bash scripts/gpu-check.sh > "$tmp/fake-$mode.txt" 2>&1 || rc=$?
  ((rc == 0)) || { cat "$tmp/fake-$mode.txt"; fail "$mode fake run exited $rc"; }
  sum=$tmp/fake-$mode/summary.txt
  bad=$(grep -E '^FAIL (device|e2e|cuda_test|bench\.shodh|bench\.torch-eager|hbm)|^SKIP (device|e2e|cuda_test|bench\.shodh)' "$sum" || true)
  [[ -z $bad ]] || { cat "$sum"; fail "$mode fake run: $bad"; }
  n=$(grep -c '^PASS e2e\.' "$sum" || true)
  ((n == 12)) || { cat "$sum"; fail "$mode fake run: $n e2e lines passed, want 12"; }
  if [[ $mode == emu ]]; then
    want='^PASS sanitize\.(memcheck|racecheck) +[1-9][0-9]* tests, 0 errors, 0 warnings'
  else
    want='^INFO sanitize\.(memcheck|racecheck) +no test ran'
  fi
  n=$(grep -cE "$want" "$sum" || true)
  ((n == 2)) || { cat "$sum"; fail "$mode fake run: $n sanitize lines like '$want', want 2"; }
  for got in errors warnings nosummary refused; do
    CS_MODE=$got GPU_CHECK_FAKE=$mode OUT="$tmp/out-$mode-$got" GPU_CHECK_STEPS=probe,sanitize GPU_CHECK_SANITIZER="$tmp/cs" \
      bash scripts/gpu-check.sh > /dev/null 2>&1 || fail "$mode sanitize run ($got) exited $?"
    case $got in
      errors) want='^FAIL sanitize\.memcheck +2 errors, 0 warnings in .*first: ========= Invalid __global__ read of size 4 bytes' ;;
      warnings) want='^FAIL sanitize\.racecheck +0 errors, 1 warnings in .*first: ========= Warning: Race reported' ;;
      nosummary) want='^INFO sanitize\.racecheck +no summary from compute-sanitizer' ;;
      refused) want='^SKIP sanitize\.racecheck +compute-sanitizer cannot run here: Device not supported' ;;
    esac
    grep -qE "$want" "$tmp/out-$mode-$got/summary.txt" ||
      { cat "$tmp/out-$mode-$got/summary.txt"; fail "$mode: sanitizer outcome '$got' not reported as '$want'"; }
  done
  echo "selftest: $mode fake run on the kit OK"
}
for arg in "$@"; do
  case $arg in
    --with-kit) fake_run cpu ;;
    --with-emu) fake_run emu ;;
  esac
done
