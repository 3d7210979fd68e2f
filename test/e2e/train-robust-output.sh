#!/usr/bin/env bash
# Training with an output folder that stops taking writes
# (docs/reliability.md): each case must end `shodh-run train` with a clear
# error naming the file and the system's reason, a non-zero status, and the
# previous checkpoint intact (it loads, and --resume continues from it).
#
#   train-robust-output.sh WORKDIR SRC_ROOT
#
# Cases (all work as root, where chmod does not stop writes):
#   file-size   a resumed run under `ulimit -f 64` (64 KiB, SIGXFSZ ignored):
#               the next checkpoint (138 KiB) fails with EFBIG — a full disk
#               as far as the writer can tell;
#   vanished    the run folder is renamed mid-run and a plain file put in its
#               place: the next checkpoint fails with ENOTDIR (ENOENT when
#               the move falls inside a checkpoint's write, or between its
#               rename and the sync of its folder);
#   disk-full   a real ENOSPC on a 512 KiB tmpfs, when `mount` is permitted
#               (root with CAP_SYS_ADMIN); otherwise reported as skipped.
#
# shodhc, shodh-run and shodh-data are taken from PATH.
set -euo pipefail

work=${1:?usage: train-robust-output.sh WORKDIR SRC_ROOT}
src=${2:?usage: train-robust-output.sh WORKDIR SRC_ROOT}

rm -rf "$work" && mkdir -p "$work"
cd "$work"
shodh-data poisson --n 32 --res 16 --seed 1 --out train.h5 >/dev/null 2>&1
shodh-data poisson --n 8 --res 16 --seed 2 --out val.h5 >/dev/null 2>&1
shodhc "$src/models/fno.mlir" --train -o fno.fb --set res=16 --set cin=4 \
  --set width=8 --set modes=4 --set layers=2
args=(--data train.h5 --val val.h5 --batch 8 --threads 2 --lr 3e-3
      --ckpt-every 3)

# Prints "STEP" of the checkpoint $1 if it loads, fails otherwise.
loads() {
  shodh-run eval fno.fb --weights "$1" --data val.h5 |
    sed -n 's/.*(step \([0-9]*\)).*/\1/p'
}

# Runs "$@", which must fail; prints its last stderr line (the error).
must_fail() {
  if "$@" >out.log 2>err.log; then
    echo "FAIL: '$*' succeeded" >&2
    exit 1
  fi
  tail -n 1 err.log
}

# -- file-size: checkpoint larger than RLIMIT_FSIZE.
shodh-run train fno.fb "${args[@]}" --steps 6 --out fsize >/dev/null 2>&1
cp fsize/latest.fb fsize-before.fb
echo "file-size: $(must_fail bash -c 'trap "" XFSZ; ulimit -f 64; exec "$@"' \
  _ shodh-run train fno.fb "${args[@]}" --steps 12 --resume fsize)"
cmp -s fsize/latest.fb fsize-before.fb || { echo "FAIL: latest.fb changed" >&2; exit 1; }
echo "file-size: latest.fb unchanged, step $(loads fsize/latest.fb)," \
  "$(find fsize -name '*.tmp.*' | wc -l) temp files left"
shodh-run train fno.fb "${args[@]}" --steps 12 --resume fsize >/dev/null 2>&1
echo "file-size: resumed to step $(loads fsize/latest.fb)"

# -- vanished: the run folder replaced by a file while training.
( rc=0; shodh-run train fno.fb "${args[@]}" --steps 100000 --out gone \
    >/dev/null 2>gone.err || rc=$?; echo $rc >gone.rc ) &
for _ in $(seq 1000); do [ -e gone/latest.fb ] && break; sleep 0.01; done
mv gone gone.moved && touch gone
wait
echo "vanished: exit $(cat gone.rc): $(tail -n 1 gone.err)"
echo "vanished: previous checkpoint loads, step $(loads gone.moved/latest.fb)"

# -- disk-full: a real ENOSPC on a small tmpfs.
mkdir -p small
if mount -t tmpfs -o size=512k tmpfs small 2>/dev/null; then
  trap 'umount "$work/small" 2>/dev/null || true' EXIT
  msg=$(must_fail shodh-run train fno.fb "${args[@]}" --steps 60 --out small/run)
  echo "disk-full: $msg"
  echo "disk-full: latest.fb loads, step $(loads small/run/latest.fb)," \
    "$(find small/run -name '*.tmp.*' | wc -l) temp files left"
  umount small
  trap - EXIT
else
  echo "disk-full: skipped (mount -t tmpfs not permitted here)"
  echo "disk-full: not checked"
fi
