#!/usr/bin/env bash
# Runs every fuzzer of a SHODH_FUZZ build for a bounded time (`make fuzz`):
# seeds from fuzz/make-corpus.sh, a growing corpus in FUZZ_BUILD/corpus/NAME,
# crashes/leaks/timeouts saved as FUZZ_BUILD/crashes/NAME-*. Prints one line
# per fuzzer (executions, corpus size) and fails if any fuzzer found a bug.
#
#   run-fuzzers.sh BIN_DIR SRC_ROOT FUZZ_BUILD SECONDS
set -uo pipefail
bin=${1:?} src=${2:?} fb=${3:?} seconds=${4:?}
[ -d "$fb/seeds" ] || bash "$src/fuzz/make-corpus.sh" "$bin" "$src" "$fb/seeds" || exit 1
mkdir -p "$fb/crashes"
failed=0
for name in model_file_fuzzer hdf5_reader_fuzzer; do
  mkdir -p "$fb/corpus/$name"
  log=$fb/$name.log
  seeds=("$fb/seeds/$name")
  [ -d "$src/fuzz/regressions/$name" ] && seeds+=("$src/fuzz/regressions/$name")
  # Fork mode survives timeouts: libhdf5 itself hangs on some malformed
  # files (fuzz/known-issues/), which must not end the campaign.
  LSAN_OPTIONS=suppressions=$src/fuzz/lsan-suppressions.txt \
  "$fb/bin/$name" -fork=1 -ignore_timeouts=1 -max_total_time="$seconds" \
    -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="$fb/crashes/$name-" \
    "$fb/corpus/$name" "${seeds[@]}" >"$log" 2>&1
  rc=$?
  last=$(grep -E '^#[0-9]+: cov:' "$log" | tail -n 1)
  execs=$(sed -n 's/^#\([0-9]*\):.*/\1/p' <<<"$last")
  ooms=$(sed -n 's|.*oom/timeout/crash: \([0-9/]*\).*|\1|p' <<<"$last")
  echo "fuzz: $name: ${execs:-?} executions in ${seconds}s," \
       "corpus $(ls "$fb/corpus/$name" | wc -l) inputs," \
       "oom/timeout/crash ${ooms:-?}, exit $rc"
  if [ $rc -ne 0 ]; then
    failed=1
    grep -m1 -A12 "ERROR: \|==ERROR\|runtime error\|deadly signal" "$log"
    ls "$fb/crashes/$name-"* 2>/dev/null
  fi
done
exit $failed
