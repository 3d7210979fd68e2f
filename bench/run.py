#!/usr/bin/python3
"""Benchmark driver: Shodh against its peers in one run (docs/benchmarks.md).

For one configuration of a model (`--model fno|m2m|shodh_moe`, default fno;
bench/model_configs.py) it times, at the same thread count, `shodh-run bench`
(infer and train_step of the model compiled with --train for it) and the peers:
  torch-debian  the model's PyTorch peer under Debian's torch (/usr/bin/python3):
                ../shared/peers/torch_fno2d.py, bench/peers/torch_m2m2d.py or
                bench/peers/torch_shodh_moe.py
  torch-venv    the same script under the current torch of .venv-bench/
  neuralop      bench/peers/neuralop_fno2d.py (neuralop.models.FNO) under
                .venv-bench/ (fno only: neuraloperator has no MoE model)
then prints a table with the medians, the memory of a training run, the
speed-up over the fastest peer and Markdown rows for docs/benchmarks.md.
`--roofline` adds shodh-roofline's bound and `--scaling` runs the resolution
and batch sweeps instead (per-sample times, shodh and the two torch peers);
both model FNO-2D only.

usage: bench/run.py [--model fno] [--batch 16] [--res 64] [--width 32] [--modes 12]
                    [--layers 4] [--threads 2] [--iters 10]
                    [--peers torch-debian,torch-venv,neuralop]
                    [--roofline] [--no-memory] [--scaling] [--json-out FILE]
       bench/run.py --model m2m [--batch 16] [--res 64] [--width 32] [--modes 12] ...
       bench/run.py --model shodh_moe [--batch 4] [--res 32] [--width 16] ...
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
import model_configs  # noqa: E402
import report  # noqa: E402
from measure import BenchError, Peer  # noqa: E402

ALL_PEERS = ("torch-debian", "torch-venv", "neuralop")
SCALING_RES = (32, 64, 128, 256)      # at batch 16
SCALING_BATCH = (1, 4, 16, 64)        # at 64²


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", choices=tuple(model_configs.MODELS), default="fno",
                   help="the model and its peers (default: fno)")
    for name in model_configs.option_names():
        p.add_argument(f"--{name}", type=int, help=model_configs.defaults_help(name))
    p.add_argument("--peers", help="comma-separated subset of " + ", ".join(ALL_PEERS)
                   + " (or 'none'); default: all that have the model")
    p.add_argument("--build", default=os.environ.get("BUILD", "build"))
    p.add_argument("--peer-script", help="the torch peers' script (default: the model's; "
                   "for fno $PEER or ../shared/peers/torch_fno2d.py)")
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


def make_config(args):
    """The configuration of --model from the size options given (the rest: its defaults)."""
    given = {k: getattr(args, k) for k in model_configs.option_names()
             if getattr(args, k) is not None}
    return model_configs.make_config(args.model, given)


def peer_keys(args, cfg):
    """The peers asked for (default: all that have the model), checked."""
    text = ",".join(cfg.peers) if args.peers is None else args.peers
    keys = [] if text.strip() == "none" else [k.strip() for k in text.split(",")]
    bad = [k for k in keys if k not in ALL_PEERS]
    if bad:
        raise BenchError(f"--peers: unknown peer(s) {', '.join(bad)}; expected a comma-separated "
                         f"subset of {', '.join(ALL_PEERS)} or 'none'")
    missing = [k for k in keys if k not in cfg.peers]
    if missing:
        raise BenchError(f"--peers: {', '.join(missing)} has no {cfg.title} model (peers of "
                         f"--model {cfg.model}: {', '.join(cfg.peers)})")
    return keys


def torch_peer_script(args, cfg):
    default = os.environ.get("PEER") if cfg.model == "fno" else None
    return repo_path(args.peer_script or default or cfg.torch_peer)


def select_peers(args, cfg):
    keys = peer_keys(args, cfg)
    script = torch_peer_script(args, cfg)
    venv_py = repo_path(args.venv) / "bin/python"
    table = {
        "torch-debian": Peer("torch-debian", Path(args.python), script, cfg.harness, "Debian"),
        "torch-venv": Peer("torch-venv", venv_py, script, cfg.harness, "PyPI"),
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


def handle_fno_only_options(args, cfg):
    """--scaling is an error for the MoE models; --roofline is dropped with a
    note (so `make bench BENCH_ARGS="--model m2m"` runs): shodh-roofline
    counts the FLOPs and bytes of FNO-2D only."""
    if cfg.model == "fno":
        return
    if args.scaling:
        raise BenchError(f"--scaling: the sweeps are defined for --model fno only, "
                         f"not {cfg.model}")
    if args.roofline:
        print(f"bench/run.py: note: --roofline skipped: shodh-roofline models FNO-2D only, "
              f"not {cfg.title}", file=sys.stderr)
        args.roofline = False


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
    out = {"model": cfg.model, "config": asdict(cfg), "results": [asdict(r) for r in results]}
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
        out = {"sweep": sweep, "model": c.model, "config": asdict(c),
               "results": [asdict(r) for r in results]}
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
        cfg = make_config(args)
        handle_fno_only_options(args, cfg)
        if args.scaling_iters < 1:
            raise BenchError(f"--scaling-iters {args.scaling_iters}: expected at least 1")
        if args.json_out and not Path(args.json_out).resolve().parent.is_dir():
            raise BenchError(f"--json-out {args.json_out}: directory does not exist")
        parse_peaks(args.peaks)
        build = repo_path(args.build)
        check_build(build)
        if args.roofline:
            measure.roofline_exe(build)
        peers, skipped = select_peers(args, cfg)
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
