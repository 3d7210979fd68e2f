#!/usr/bin/python3
"""FNO-2D benchmark driver: Shodh against its peers in one run (docs/benchmarks.md).

For one configuration it times, at the same thread count, `shodh-run bench`
(infer and train_step of models/fno.mlir compiled for it) and the peers:
  torch-debian  ../shared/peers/torch_fno2d.py under Debian's torch (/usr/bin/python3)
  torch-venv    the same script under the current torch of .venv-bench/
  neuralop      bench/peers/neuralop_fno2d.py (neuralop.models.FNO) under .venv-bench/
then prints a table with the medians, the memory of a training run, the
speed-up over the fastest peer and Markdown rows for docs/benchmarks.md.
`--roofline` adds shodh-roofline's bound; `--scaling` runs the resolution and
batch sweeps instead (per-sample times, shodh and the two torch peers).

usage: bench/run.py [--batch 16] [--res 64] [--width 32] [--modes 12] [--layers 4]
                    [--threads 2] [--iters 10] [--peers torch-debian,torch-venv,neuralop]
                    [--roofline] [--no-memory] [--scaling] [--json-out FILE]
Run from anywhere after `make`; `make bench` sets up .venv-bench/ first
(scripts/setup-bench-venv.sh). A peer whose interpreter is missing is skipped
with a note; a peer that fails stops the run with its error (exit 1).
"""
import argparse
import json
import os
import sys
import tempfile
from dataclasses import asdict, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import measure  # noqa: E402
import report  # noqa: E402
from measure import BenchError, Config, Peer  # noqa: E402

ALL_PEERS = ("torch-debian", "torch-venv", "neuralop")
SCALING_RES = (32, 64, 128, 256)      # at batch 16
SCALING_BATCH = (1, 4, 16, 64)        # at 64²


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for name, default in asdict(Config()).items():
        p.add_argument(f"--{name}", type=int, default=default)
    p.add_argument("--peers", default=",".join(ALL_PEERS),
                   help="comma-separated subset of " + ", ".join(ALL_PEERS) + " (or 'none')")
    p.add_argument("--build", default=os.environ.get("BUILD", "build"))
    p.add_argument("--peer-script",
                   default=os.environ.get("PEER", "../shared/peers/torch_fno2d.py"))
    p.add_argument("--python", default="/usr/bin/python3", help="Debian's Python (torch 1.13)")
    p.add_argument("--venv", default=os.environ.get("BENCH_VENV", ".venv-bench"))
    p.add_argument("--roofline", action="store_true", help="add shodh-roofline's bound")
    p.add_argument("--peaks", metavar="GFLOPS,GBS",
                   help="roofline peaks to use instead of measuring them (e.g. 90,20)")
    p.add_argument("--neuralop-arch", choices=("matched", "default"), default="matched",
                   help="bench/peers/neuralop_fno2d.py --arch")
    p.add_argument("--no-memory", action="store_true", help="skip the memory runs")
    p.add_argument("--scaling", action="store_true",
                   help="resolution 32²..256² at batch 16 and batch 1..64 at 64² instead")
    p.add_argument("--scaling-iters", type=int, default=5)
    p.add_argument("--json-out", help="also write every result as JSON to this file")
    return p.parse_args(argv)


def repo_path(p):
    """Relative paths are taken from the repository root (like bench/fno.sh)."""
    p = Path(p)
    return p if p.is_absolute() else measure.REPO / p


def select_peers(args):
    keys = [] if args.peers.strip() == "none" else [k.strip() for k in args.peers.split(",")]
    bad = [k for k in keys if k not in ALL_PEERS]
    if bad:
        raise BenchError(f"--peers: unknown peer(s) {', '.join(bad)}; expected a comma-separated "
                         f"subset of {', '.join(ALL_PEERS)} or 'none'")
    script = repo_path(args.peer_script)
    venv_py = repo_path(args.venv) / "bin/python"
    table = {
        "torch-debian": Peer("torch-debian", Path(args.python), script, "torch_fno2d", "Debian"),
        "torch-venv": Peer("torch-venv", venv_py, script, "torch_fno2d", "PyPI"),
        "neuralop": Peer("neuralop", venv_py, measure.BENCH / "peers/neuralop_fno2d.py",
                         "neuralop", "PyPI", ["--arch", args.neuralop_arch]),
    }
    peers, skipped = [], []
    for k in keys:
        peer = table[k]
        if not peer.python.exists():
            hint = " (run scripts/setup-bench-venv.sh)" if peer.python == venv_py else ""
            skipped.append(f"{k}: {peer.python} not found{hint}")
        elif not peer.script.exists():
            raise BenchError(f"peer {k}: script {peer.script} not found (--peer-script)")
        else:
            peers.append(peer)
    return peers, skipped


def parse_peaks(text):
    """'90,20' -> (90.0, 20.0); None -> None (measure them)."""
    if text is None:
        return None
    try:
        peaks = tuple(float(v) for v in text.split(","))
        if len(peaks) == 2 and all(v > 0 for v in peaks):
            return peaks
    except ValueError:
        pass
    raise BenchError(f"--peaks {text!r}: expected two positive numbers GFLOPS,GBS (e.g. 90,20)")


def check_build(build):
    for tool in ("shodhc", "shodh-run"):
        if not (Path(build) / "bin" / tool).exists():
            raise BenchError(f"{Path(build) / 'bin' / tool} not found: build first (make), "
                             "or pass --build DIR")


def measure_config(cfg, build, peers, memory):
    results = [measure.run_shodh(cfg, build, memory)]
    for peer in peers:
        print(f"  timing {peer.key} ...", file=sys.stderr, flush=True)
        results.append(measure.run_peer(cfg, peer, memory))
    return results


def run_comparison(args, cfg, build, peers):
    memory = not args.no_memory
    results = measure_config(cfg, build, peers, memory)
    print(report.comparison_text(cfg, results, memory))
    out = {"config": asdict(cfg), "results": [asdict(r) for r in results]}
    print("\nMarkdown rows (docs/benchmarks.md, Shodh and its peers):")
    print("\n".join(report.comparison_markdown(cfg, results)))
    if memory:
        print("\nMarkdown rows (docs/benchmarks.md, memory of a training run):")
        print("\n".join(report.memory_markdown(cfg, results)))
    if args.roofline:
        text, roof = measure.run_roofline(cfg, build, results, parse_peaks(args.peaks))
        print("\n" + text)
        print("\nMarkdown rows (docs/benchmarks.md, roofline):")
        print("\n".join(report.roofline_markdown(cfg, roof)))
        out["roofline"] = roof
    return [out]


def run_scaling(args, cfg, build, peers):
    peers = [p for p in peers if p.key != "neuralop"]
    base = replace(cfg, iters=args.scaling_iters)
    configs = [("resolution", replace(base, batch=16, res=r)) for r in SCALING_RES]
    configs += [("batch", replace(base, batch=b, res=64)) for b in SCALING_BATCH]
    rows, roof_rows, outs = [], [], []
    peaks = parse_peaks(args.peaks)
    for sweep, c in configs:
        c.check()
        print(f"scaling: {sweep} {c.describe()} ...", file=sys.stderr, flush=True)
        results = measure_config(c, build, peers, memory=False)
        print(report.comparison_text(c, results, memory=False) + "\n")
        rows.append(report.scaling_markdown(sweep, c, results))
        out = {"sweep": sweep, "config": asdict(c), "results": [asdict(r) for r in results]}
        if args.roofline:  # peaks measured once, on the first configuration
            text, roof = measure.run_roofline(c, build, results[:1], peaks)
            peaks = peaks or (roof["peak_gflops"], roof["triad_gbs"])
            print(text + "\n")
            roof_rows += report.roofline_markdown(c, roof)
            out["roofline"] = roof
        outs.append(out)
    print("Markdown rows (docs/benchmarks.md, scaling; ms per sample):")
    print("\n".join(rows))
    if roof_rows:
        print("\nMarkdown rows (docs/benchmarks.md, roofline):")
        print("\n".join(roof_rows))
    return outs


def write_json(path, data):
    """Writes `data` to `path` atomically (temporary file + rename)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent if str(path.parent) else ".", prefix=".bench-")
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(data, f, indent=1)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main(argv=None):
    args = parse_args(argv)
    try:
        cfg = Config(**{k: getattr(args, k) for k in asdict(Config())})
        cfg.check()
        if args.scaling_iters < 1:
            raise BenchError(f"--scaling-iters {args.scaling_iters}: expected at least 1")
        if args.json_out and not Path(args.json_out).resolve().parent.is_dir():
            raise BenchError(f"--json-out {args.json_out}: directory does not exist")
        parse_peaks(args.peaks)
        build = repo_path(args.build)
        check_build(build)
        if args.roofline:
            measure.roofline_exe(build)
        peers, skipped = select_peers(args)
        for s in skipped:
            print(f"bench/run.py: skipping peer {s}", file=sys.stderr)
        data = (run_scaling if args.scaling else run_comparison)(args, cfg, build, peers)
        if args.json_out:
            write_json(args.json_out, data)
    except BenchError as e:
        print(f"bench/run.py: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
