"""Runs one configuration of a model on Shodh and its peers (used by bench/run.py).

Every implementation gets the same configuration and thread count: `--threads`
for shodh-run, `torch.set_num_threads` (the peers' --threads) plus
OMP/MKL/OPENBLAS_NUM_THREADS for the peers. Each side reports medians of
`iters` timed runs after 3 warm-up runs. Memory is measured the same way on
every side, in a process that runs only the training step: resident memory
after loading/preparing plus one warm-up step (VmRSS), and the peak resident
memory at the end (VmHWM).
"""
import json
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent


class BenchError(Exception):
    """A failure that stops the benchmark, with a message naming the cause."""


@dataclass
class Result:
    """What one implementation measured for one configuration."""
    key: str    # shodh, torch-debian, torch-venv, neuralop
    label: str  # shown in tables, e.g. "torch 2.5.1 (PyPI)"
    params: int | None = None
    infer_ms: float | None = None
    train_ms: float | None = None
    rss_load_kib: int | None = None   # right after loading, before any step
    rss_after_kib: int | None = None  # after loading + one warm-up training step
    peak_rss_kib: int | None = None   # VmHWM at the end of the training run
    notes: list = field(default_factory=list)

    @property
    def mem_delta_kib(self):
        if self.rss_after_kib is None or self.peak_rss_kib is None:
            return None
        return self.peak_rss_kib - self.rss_after_kib

    @property
    def growth_kib(self):
        """Peak minus the resident set right after loading (the issue's measure)."""
        if self.rss_load_kib is None or self.peak_rss_kib is None:
            return None
        return self.peak_rss_kib - self.rss_load_kib


def thread_env(threads):
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        env[var] = str(threads)
    return env


def run_json(cmd, what, threads):
    """Runs `cmd`, returns the JSON object on its last stdout line."""
    try:
        p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True,
                           env=thread_env(threads), cwd=REPO)
    except OSError as e:
        raise BenchError(f"{what}: cannot run {cmd[0]}: {e.strerror}") from None
    if p.returncode != 0:
        raise BenchError(f"{what} failed (exit {p.returncode}): {' '.join(map(str, cmd))}\n"
                         f"{p.stderr.strip() or p.stdout.strip()}")
    lines = p.stdout.strip().splitlines()
    try:
        out = json.loads(lines[-1])
        if not isinstance(out, dict):
            raise ValueError("not an object")
        return out
    except (IndexError, ValueError):
        raise BenchError(f"{what}: expected a JSON object on the last line of its output, got "
                         f"{lines[-1][:200] if lines else 'nothing'!r}") from None


def need(obj, key, what):
    v = obj.get(key)
    if not isinstance(v, (int, float)) or isinstance(v, bool):
        raise BenchError(f"{what}: field '{key}' missing or not a number in {json.dumps(obj)}")
    return v


def model_params(inspect_text):
    """Parameter count from `shodh-run inspect`, a complex value counting 2."""
    total, in_params = 0, False
    for line in inspect_text.splitlines():
        if line.startswith("parameters:"):
            in_params = True
            continue
        if in_params and not line.startswith("  "):
            break
        m = re.match(r"\s+\S+\s+(f32|f64|complex<f32>|complex<f64>)\s+\[([\d, ]*)\]", line)
        if in_params and m:
            n = 1
            for d in filter(None, m.group(2).split(",")):
                n *= int(d)
            total += n * (2 if m.group(1).startswith("complex") else 1)
    return total or None


def run_shodh(cfg, build, memory):
    """Compiles the model of `cfg` (bench/model_configs.py) with `--train` and its
    sizes, and times infer and train_step."""
    bin_dir = Path(build) / "bin"
    res = Result("shodh", "shodh-run")
    with tempfile.TemporaryDirectory(prefix="shodh-bench-") as tmp:
        fb = Path(tmp) / (Path(cfg.mlir).stem + ".fb")
        cmd = [bin_dir / "shodhc", REPO / cfg.mlir, "--train", "-o", fb] + cfg.shodhc_sets()
        p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
        if p.returncode != 0 or not fb.exists():
            raise BenchError(f"shodhc failed (exit {p.returncode}): {p.stderr.strip()}")
        insp = subprocess.run([str(bin_dir / "shodh-run"), "inspect", str(fb)],
                              capture_output=True, text=True)
        res.params = model_params(insp.stdout) if insp.returncode == 0 else None
        note = cfg.shodh_param_note(res.params)
        if note:
            res.notes.append(note)
        for program in ("infer", "train_step"):
            out = run_json([bin_dir / "shodh-run", "bench", fb, "--program", program,
                            "--batch", cfg.batch, "--threads", cfg.threads, "--iters", cfg.iters],
                           f"shodh-run bench --program {program}", cfg.threads)
            ms = need(out, "median_ms", f"shodh-run bench --program {program}")
            if program == "infer":
                res.infer_ms = ms
            else:
                res.train_ms = ms
                if isinstance(out.get("arena_bytes"), int):
                    res.notes.append(f"train_step arena (planned tensors) "
                                     f"{out['arena_bytes'] / 2**20:.1f} MiB")
                if memory:
                    res.rss_load_kib = out.get("rss_after_load_kib")
                    res.rss_after_kib = out.get("rss_after_prepare_kib")
                    res.peak_rss_kib = out.get("peak_rss_kib")
                    if res.rss_after_kib is None or res.peak_rss_kib is None:
                        res.notes.append("shodh-run bench printed no rss_after_prepare_kib / "
                                         "peak_rss_kib (memory n/a)")
    return res


@dataclass
class Peer:
    """A peer: its key, interpreter, timing script and memory-harness model."""
    key: str
    python: Path
    script: Path
    harness_model: str  # peer_memory.py --model
    source: str         # shown after the version: "Debian", "PyPI"
    extra_args: list = field(default_factory=list)  # for the script and the harness


def run_peer(cfg, peer, memory):
    what = f"peer {peer.key} ({peer.script.name} under {peer.python})"
    out = run_json([peer.python, peer.script] + cfg.peer_args() + peer.extra_args, what,
                   cfg.threads)
    label = out.get("peer", peer.key)
    res = Result(peer.key, f"{label} ({peer.source})", params=out.get("params"),
                 infer_ms=need(out, "infer_ms", what), train_ms=need(out, "train_step_ms", what))
    if "arch" in out:
        res.notes.append(out["arch"])
    if memory:
        mem = run_json([peer.python, BENCH / "peers/peer_memory.py", "--model",
                        peer.harness_model, "--peer-script", peer.script] + cfg.peer_args()
                       + peer.extra_args,
                       f"memory harness for {peer.key}", cfg.threads)
        res.rss_load_kib = mem.get("rss_after_load_kib")
        if res.rss_load_kib is not None and not mem.get("optimizer_state_at_load"):
            res.notes.append("its optimizer state was created in the first step, so its "
                             "peak - load includes it (Shodh's load does)")
        res.rss_after_kib = need(mem, "rss_after_warmup_kib", f"memory harness for {peer.key}")
        res.peak_rss_kib = need(mem, "peak_rss_kib", f"memory harness for {peer.key}")
    return res


def roofline_exe(build):
    """shodh-roofline of the build (or $SHODH_ROOFLINE); BenchError if missing."""
    exe = Path(os.environ.get("SHODH_ROOFLINE") or Path(build) / "bin/shodh-roofline")
    if not exe.exists():
        raise BenchError(f"{exe} not found: build it (cmake --build {build} --target "
                         "shodh-roofline; bench/ must be in the top-level CMakeLists.txt) "
                         "or leave out --roofline")
    return exe


def time_spectral_layer(cfg, build):
    """Median ms of one spectral layer alone (bench/spectral_layer.mlir at
    cfg's width, modes, res and batch), for the layer's roofline."""
    bin_dir = Path(build) / "bin"
    with tempfile.TemporaryDirectory(prefix="shodh-layer-") as tmp:
        fb = Path(tmp) / "spectral_layer.fb"
        cmd = [bin_dir / "shodhc", REPO / "bench/spectral_layer.mlir", "-o", fb,
               "--set", f"width={cfg.width}", "--set", f"modes={cfg.modes}",
               "--set", f"res={cfg.res}"]
        try:
            p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
        except OSError as e:
            raise BenchError(f"cannot run {cmd[0]}: {e.strerror}") from None
        if p.returncode != 0 or not fb.exists():
            raise BenchError(f"shodhc bench/spectral_layer.mlir failed (exit {p.returncode}): "
                             f"{p.stderr.strip()}")
        out = run_json([bin_dir / "shodh-run", "bench", fb, "--program", "infer", "--batch",
                        cfg.batch, "--threads", cfg.threads, "--iters", cfg.iters],
                       "shodh-run bench of the spectral layer", cfg.threads)
        return need(out, "median_ms", "shodh-run bench of the spectral layer")


def run_roofline(cfg, build, results, peaks=None):
    """Runs shodh-roofline for `cfg` with every result's medians (and, when
    Shodh was timed, its spectral layer alone); returns (its text output,
    its JSON). `peaks` = (GFLOP/s, GB/s) skips measuring."""
    exe = roofline_exe(build)
    cmd = [exe, "--batch", cfg.batch, "--res", cfg.res, "--width", cfg.width, "--modes",
           cfg.modes, "--layers", cfg.layers, "--cin", cfg.cin, "--threads", cfg.threads]
    if peaks:
        cmd += ["--peak-gflops", peaks[0], "--bandwidth-gbs", peaks[1]]
    for r in results:
        if r.infer_ms and r.train_ms:
            cmd += ["--measured", f"{r.key}={r.infer_ms},{r.train_ms}"]
    if any(r.key == "shodh" for r in results):
        cmd += ["--layer-measured", f"shodh={time_spectral_layer(cfg, build)}"]
    p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True,
                       env=thread_env(cfg.threads))
    if p.returncode != 0:
        raise BenchError(f"shodh-roofline failed (exit {p.returncode}): {p.stderr.strip()}")
    text, _, last = p.stdout.strip().rpartition("\n")
    return text, json.loads(last)
