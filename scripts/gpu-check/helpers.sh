# shellcheck shell=bash
# Part of scripts/gpu-check.sh (sourced; docs/gpu-check.md): logging, step runner and small helpers.
# Functions only; they use the settings gpu-check.sh defines before sourcing.

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

