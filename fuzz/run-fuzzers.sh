#!/usr/bin/env bash
# Runs every fuzzer of a SHODH_FUZZ build for a bounded time (`make fuzz`):
# seeds from fuzz/make-corpus.sh, a growing corpus in FUZZ_BUILD/corpus/NAME,
# crashes/leaks/timeouts saved as FUZZ_BUILD/crashes/NAME-*. Prints one line
# per fuzzer (executions, exec/s, corpus size) and fails if any fuzzer found
# a bug. NAME... picks fuzzers (default: every one that was built);
# fuzz/NAME.dict, where present, is the fuzzer's dictionary.
#
#   run-fuzzers.sh BIN_DIR SRC_ROOT FUZZ_BUILD SECONDS [NAME...]
set -uo pipefail
bin=${1:?} src=${2:?} fb=${3:?} seconds=${4:?}
shift 4
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for name in model_file_fuzzer hdf5_reader_fuzzer shodhc_fuzzer; do
    [ -x "$fb/bin/$name" ] && names+=("$name")
  done
fi
for name in "${names[@]}"; do
  [ -d "$fb/seeds/$name" ] && continue
  rm -rf "$fb/seeds"
  bash "$src/fuzz/make-corpus.sh" "$bin" "$src" "$fb/seeds" || exit 1
  break
done
mkdir -p "$fb/crashes"

# Whether every sanitizer or libFuzzer report in LOG reaches libhdf5 before
# any frame with a source line of ours (interceptors and libFuzzer have
# none): such crashes are libhdf5's own (fuzz/known-issues/).
only_in_libhdf5() {
  awk '/==ERROR: |ERROR: libFuzzer: / { open = 1; next }
       open && /^ +#[0-9]+ / {
         if ($0 ~ /libhdf5/) open = 0
         else if ($0 ~ /\.(cpp|h):[0-9]+/) { ours = 1; open = 0 } }
       END { exit ours }' "$1"
}

failed=0
for name in "${names[@]}"; do
  mkdir -p "$fb/corpus/$name"
  log=$fb/$name.log
  seeds=("$fb/seeds/$name")
  [ -d "$src/fuzz/regressions/$name" ] && seeds+=("$src/fuzz/regressions/$name")
  dict=()
  [ -f "$src/fuzz/$name.dict" ] && dict=(-dict="$src/fuzz/$name.dict")
  # libhdf5 mallocs sizes read from a malformed file (up to 2^60 bytes;
  # fuzz/known-issues/libhdf5-huge-malloc.h5) and copes with a null result,
  # which ASan gives only with allocator_may_return_null. Our own code keeps
  # the default: an absurd allocation there is a finding.
  # libhdf5 also crashes and hangs inside its own global-heap code on
  # malformed files; the HDF5 campaign goes on past those (-ignore_crashes)
  # and every saved crash is triaged (listed below; fuzz/known-issues/).
  asan= more=()
  if [ "$name" = hdf5_reader_fuzzer ]; then
    asan=allocator_may_return_null=1
    more=(-ignore_crashes=1)
  fi
  # Fork mode survives timeouts: libhdf5 itself hangs on some malformed
  # files (fuzz/known-issues/), which must not end the campaign.
  ASAN_OPTIONS=$asan LSAN_OPTIONS=suppressions=$src/fuzz/lsan-suppressions.txt \
  "$fb/bin/$name" -fork=1 -ignore_timeouts=1 -max_total_time="$seconds" \
    -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="$fb/crashes/$name-" "${dict[@]}" "${more[@]}" \
    "$fb/corpus/$name" "${seeds[@]}" >"$log" 2>&1
  rc=$?
  last=$(grep -E '^#[0-9]+: cov:' "$log" | tail -n 1)
  execs=$(sed -n 's/^#\([0-9]*\):.*/\1/p' <<<"$last")
  ooms=$(sed -n 's|.*oom/timeout/crash: \([0-9/]*\).*|\1|p' <<<"$last")
  echo "fuzz: $name: ${execs:-?} executions in ${seconds}s" \
       "($(( ${execs:-0} / seconds ))/s)," \
       "corpus $(ls "$fb/corpus/$name" | wc -l) inputs," \
       "oom/timeout/crash ${ooms:-?}, exit $rc"
  # With -ignore_crashes the exit status does not tell; the log does.
  crashed=$rc
  [ ${#more[@]} -gt 0 ] && grep -q "ERROR: " "$log" && crashed=1
  if [ $crashed -ne 0 ] && [ ${#more[@]} -gt 0 ] && only_in_libhdf5 "$log"; then
    echo "fuzz: $name: every crash is inside libhdf5 (triage the files below" \
         "against fuzz/known-issues/)"
  elif [ $crashed -ne 0 ]; then
    failed=1
    grep -m1 -A12 "ERROR: \|==ERROR\|runtime error\|deadly signal" "$log"
  fi
  ls "$fb/crashes/$name-"* 2>/dev/null
done
exit $failed
