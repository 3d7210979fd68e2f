#!/usr/bin/env bash
# Sets up what the benchmark peers need (docs/benchmarks.md), idempotently:
#   - Debian's python3-torch (PyTorch 1.13, the `torch_fno2d.py` peer under
#     /usr/bin/python3) and python3-venv, from apt;
#   - the virtualenv .venv-bench/ (or $BENCH_VENV) with the current PyTorch and
#     `neuraloperator` from PyPI, plus numpy and h5py.
# PyTorch's CPU-only wheel index is tried first; where it cannot be reached the
# default PyPI wheel is installed, which pulls the CUDA libraries (about 4-5
# GiB on disk in all). Versions are written to .venv-bench/versions.txt.
# Prints nothing when everything is already there; invoked by `make bench`,
# never by CI. usage: scripts/setup-bench-venv.sh [venv-dir]
set -euo pipefail
venv=${1:-${BENCH_VENV:-.venv-bench}}
python=/usr/bin/python3
# Bump when the package list below changes, so existing venvs are refreshed.
spec="torch neuraloperator numpy h5py (v1)"
stamp="$venv/.shodh-bench-ready"

apt_missing=()
for p in python3-torch python3-venv; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    apt_missing+=("$p")
done
if [ ${#apt_missing[@]} -gt 0 ]; then
  echo "setup-bench-venv: installing ${apt_missing[*]} (apt)"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
fi

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$spec" ] && [ -x "$venv/bin/python" ]; then
  exit 0
fi

echo "setup-bench-venv: creating $venv (current PyTorch + neuraloperator from PyPI; several GiB, minutes)"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
fail() {
  cat "$log" >&2
  echo "setup-bench-venv: $1 (log above); $venv is left unfinished and will be redone" >&2
  exit 1
}
rm -f "$stamp"
"$python" -m venv "$venv" >>"$log" 2>&1 || fail "python3 -m venv $venv failed"
pip=("$venv/bin/python" -m pip --disable-pip-version-check)
"${pip[@]}" install -q --upgrade pip >>"$log" 2>&1 || fail "upgrading pip failed"
if "${pip[@]}" install -q --timeout 20 --retries 0 \
     --index-url https://download.pytorch.org/whl/cpu torch >>"$log" 2>&1; then
  wheel="CPU-only wheel (download.pytorch.org/whl/cpu)"
else
  echo "setup-bench-venv: PyTorch's CPU wheel index unreachable; installing torch from PyPI (with CUDA libraries)"
  "${pip[@]}" install -q torch >>"$log" 2>&1 || fail "pip install torch failed"
  wheel="default PyPI wheel (with CUDA libraries)"
fi
"${pip[@]}" install -q neuraloperator numpy h5py >>"$log" 2>&1 ||
  fail "pip install neuraloperator numpy h5py failed"
"$venv/bin/python" - "$wheel" >"$venv/versions.txt" 2>>"$log" <<'PY' || fail "importing torch/neuralop failed"
import sys, importlib.metadata as md
import torch, neuralop  # noqa: F401  (fail here rather than in the benchmark)
print(f"torch {torch.__version__} ({sys.argv[1]})")
for name in ("neuraloperator", "numpy", "h5py"):
    print(f"{name} {md.version(name)}")
print(f"python {sys.version.split()[0]}")
PY
du -sh "$venv" | awk '{print "size " $1}' >>"$venv/versions.txt"
echo "$spec" >"$stamp"
echo "setup-bench-venv: done: $(paste -sd ';' "$venv/versions.txt")"
