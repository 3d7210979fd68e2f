#!/usr/bin/env python3
"""Memory of a peer's training run, measured the way `shodh-run bench` does.

Builds the peer's model (torch_fno2d.py's FNO2d, loaded from --peer-script,
or neuralop_fno2d.py's build_model), its inputs and Adam, runs one warm-up
training step (forward + MSE + backward + Adam) and reads VmRSS: the resident
memory "after warm-up" (shodh-run: after prepare + one warm-up run); VmRSS is
also read right after loading (model, inputs and optimizer built, no step
run; shodh-run: after loading the model file, before prepare). Shodh holds
its optimizer state from loading on, PyTorch's Adam creates it in the first
step: so that "after loading" means the same on both sides, the harness
creates the Adam state first (one optimizer step on zero gradients, which
leaves the parameters unchanged; the gradients are freed again) and says so
in "optimizer_state_at_load". It then
runs the other 2 warm-up steps and --iters timed steps and reads VmHWM, the
peak resident memory of the process. Prints one JSON line:
  {"peer", "rss_after_load_kib", "rss_after_warmup_kib", "peak_rss_kib",
   "train_step_ms", ...}
With `--model script` the peer script builds everything itself: it provides
`parse_args(argv)` (given every option after --model/--peer-script) and
`build(args)` -> (model, infer, train_step), as torch_m2m2d.py and
torch_shodh_moe.py do, so their training step (with the router losses) is
the one measured.
Run it with the peer's own Python; the driver is bench/run.py.
"""
import argparse
import importlib.util
import json
import statistics
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F


def proc_status_kib(field):
    """A `kB` field of /proc/self/status (VmRSS, VmHWM), in KiB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"/proc/self/status has no {field}")


def load_module(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None:
        raise SystemExit(f"peer_memory.py: cannot load {path} as a Python module")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # the peers run main() only under __main__
    return mod


def build(a):
    if a.model == "torch_fno2d":
        path = Path(a.peer_script)
        if not path.is_file():
            raise SystemExit(f"peer_memory.py: --peer-script {path} not found")
        return load_module(path, "torch_fno2d").FNO2d(a.cin, 1, a.width, a.modes, a.layers)
    peer = load_module(Path(__file__).with_name("neuralop_fno2d.py"), "neuralop_fno2d")
    return peer.build_model(a.cin, 1, a.width, a.modes, a.layers, a.arch)


def fno_training():
    """(args, train_step) of the FNO peers, with this script's own options."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", choices=("torch_fno2d", "neuralop", "script"), required=True,
                   help="script: the peer script's own parse_args/build (see above)")
    p.add_argument("--peer-script", default="../shared/peers/torch_fno2d.py")
    p.add_argument("--arch", default="matched", help="neuralop_fno2d.py --arch")
    for name, default in (("batch", 16), ("width", 32), ("modes", 12), ("layers", 4),
                          ("res", 64), ("cin", 3), ("threads", 2), ("iters", 10)):
        p.add_argument(f"--{name}", type=int, default=default)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = build(a)
    x = torch.randn(a.batch, a.cin, a.res, a.res)
    y = torch.randn(a.batch, 1, a.res, a.res)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def train_step():
        opt.zero_grad(set_to_none=True)
        F.mse_loss(model(x), y).backward()
        opt.step()

    train_step.optimizer = opt
    return a, train_step


def create_optimizer_state(opt):
    """Allocates Adam's state (exp_avg, exp_avg_sq) as shodh-run does when it
    loads a model: one step on zero gradients (Adam's update is then zero),
    then the gradients are freed (a training step allocates them anew, as
    Shodh's arena does)."""
    params = [p for g in opt.param_groups for p in g["params"]]
    for p in params:
        p.grad = torch.zeros_like(p)
    opt.step()
    for p in params:
        p.grad = None


def script_training(path, argv):
    """(args, train_step) of a peer script that builds its own training step."""
    path = Path(path)
    if not path.is_file():
        raise SystemExit(f"peer_memory.py: --peer-script {path} not found")
    peer = load_module(path, path.stem)
    a = peer.parse_args(argv)
    _, _, train_step = peer.build(a)
    a.model = path.stem
    return a, train_step


def main():
    head = argparse.ArgumentParser(add_help=False)
    head.add_argument("--model")
    head.add_argument("--peer-script")
    h, rest = head.parse_known_args()
    a, train_step = (script_training(h.peer_script, rest) if h.model == "script"
                     else fno_training())
    opt = getattr(train_step, "optimizer", None)
    if opt is not None:
        create_optimizer_state(opt)
    rss_load = proc_status_kib("VmRSS")
    train_step()
    rss_after = proc_status_kib("VmRSS")
    for _ in range(2):
        train_step()
    times = []
    for _ in range(a.iters):
        t = time.perf_counter()
        train_step()
        times.append((time.perf_counter() - t) * 1e3)
    print(json.dumps({
        "peer": f"{a.model} on torch {torch.__version__}", "threads": a.threads,
        "batch": a.batch, "res": a.res, "rss_after_load_kib": rss_load,
        "optimizer_state_at_load": opt is not None,
        "rss_after_warmup_kib": rss_after,
        "peak_rss_kib": proc_status_kib("VmHWM"),
        "train_step_ms": round(statistics.median(times), 2),
    }))


if __name__ == "__main__":
    sys.exit(main())
