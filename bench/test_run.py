"""Tests of the benchmark driver (bench/run.py) and shodh-roofline's analytic mode.

The driver runs against stand-ins: a build folder whose shodhc/shodh-run are
small scripts printing fixed JSON, and a fake Python for the peers that
prints fixed medians and logs its arguments and thread variables. No timing
is asserted; the tests check the orchestration (same configuration and
threads everywhere; for `--model m2m|shodh_moe` the model file, its `--set`s
and the peer script's options), the tables, the speed-up against the fastest
peer, and that every bad input or failing side gives a clear error and exit 1.
The peers themselves are tested in test_peers.py.
Run: cd bench && /usr/bin/python3 -m unittest -v test_run (ctest -R bench).
"""
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import measure  # noqa: E402
import model_configs  # noqa: E402
import report  # noqa: E402

FAKE_SHODHC = """#!/bin/bash
echo "shodhc $*" >> "$FAKE_LOG"
[ -n "${FAKE_SHODHC_FAIL:-}" ] && { echo "shodhc: error: bad model" >&2; exit 1; }
while [ $# -gt 0 ]; do [ "$1" = -o ] && { touch "$2"; }; shift; done
"""

FAKE_SHODH_RUN = """#!/bin/bash
echo "shodh-run $*" >> "$FAKE_LOG"
if [ "$1" = inspect ]; then
  printf 'model: x\\nparameters: 2 tensors, 12 values\\n'
  printf '  w  f32 [3, 2]  fan_in_uniform\\n  s  complex<f32> [1, 2, 3]  uniform\\nstate: 0\\n'
  exit 0
fi
prog=infer; batch=1
while [ $# -gt 0 ]; do
  case "$1" in --program) prog=$2 ;; --batch) batch=$2 ;; esac; shift
done
[ -n "${FAKE_BAD_JSON:-}" ] && { echo "not json"; exit 0; }
ms=50; [ "$prog" = train_step ] && ms=150
rss=""
[ -n "${FAKE_RSS:-}" ] && rss=', "rss_after_load_kib": 10240, "rss_after_prepare_kib": 20480, "peak_rss_kib": 22528'
echo "$prog B=$batch: median $ms ms"
echo "{\\"program\\": \\"$prog\\", \\"batch\\": $batch, \\"median_ms\\": $ms$rss}"
"""

# Peers: torch-debian 100/300 ms, torch-venv 80/330, neuralop 120/280 ms.
FAKE_PYTHON = """#!/usr/bin/python3
import json, os, sys
script = os.path.basename(sys.argv[1])
with open(os.environ["FAKE_LOG"], "a") as f:
    f.write(f"{sys.argv[0]} {' '.join(sys.argv[1:])} OMP={os.environ.get('OMP_NUM_THREADS')}\\n")
if os.environ.get("FAKE_PEER_FAIL"):
    sys.exit("ImportError: No module named 'torch'")
venv = "venv" in sys.argv[0]
if script == "peer_memory.py":
    print(json.dumps({"rss_after_load_kib": 51200, "rss_after_warmup_kib": 102400,
                      "peak_rss_kib": 153600}))
elif script == "neuralop_fno2d.py":
    print(json.dumps({"peer": "neuralop 9.0", "params": 12, "arch": "matched: fake",
                      "infer_ms": 120.0, "train_step_ms": 280.0}))
else:
    print(json.dumps({"peer": "torch 2.9" if venv else "torch 1.13", "params": 12,
                      "infer_ms": 80.0 if venv else 100.0,
                      "train_step_ms": 330.0 if venv else 300.0}))
"""


def write_exe(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)


class DriverTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        t = Path(self.tmp.name)
        write_exe(t / "build/bin/shodhc", FAKE_SHODHC)
        write_exe(t / "build/bin/shodh-run", FAKE_SHODH_RUN)
        write_exe(t / "debian/python3", FAKE_PYTHON)
        write_exe(t / "venv/bin/python", FAKE_PYTHON)
        (t / "peer.py").write_text("# stand-in for torch_fno2d.py\n")
        self.t, self.log = t, t / "log"
        self.env = dict(os.environ, FAKE_LOG=str(self.log), PYTHONDONTWRITEBYTECODE="1")
        self.env.pop("FAKE_RSS", None)

    def tearDown(self):
        self.tmp.cleanup()

    def run_driver(self, *args, env=None, script="run.py"):
        t = self.t
        cmd = ([sys.executable, str(BENCH / script)] if script == "run.py"
               else ["bash", str(BENCH / script)])
        cmd += ["--build", str(t / "build"), "--python", str(t / "debian/python3"),
                "--venv", str(t / "venv"), "--peer-script", str(t / "peer.py"), *args]
        return subprocess.run(cmd, capture_output=True, text=True, env={**self.env, **(env or {})})

    def test_all_peers_same_threads_and_speedup_vs_fastest(self):
        p = self.run_driver("--threads", "3", "--iters", "4", "--batch", "2")
        self.assertEqual(p.returncode, 0, p.stderr)
        out = p.stdout
        # Fastest peers: infer torch-venv 80 ms, train neuralop 280 ms.
        self.assertIn("infer 1.60× (vs torch 2.9 (PyPI))", out)
        self.assertIn("train step 1.87× (vs neuralop 9.0 (PyPI))", out)
        self.assertRegex(out, r"torch 1\.13 \(Debian\)\s+12\s+100\.00\s+300\.00\s+50\.0\s+100\.0\s+150\.0\s+50\.0\s+100\.0")
        self.assertIn("shodh-run bench printed no rss_after_prepare_kib", out)
        self.assertRegex(out, r"shodh-run\s+18\s+50\.00\s+150\.00\s+n/a\s+n/a\s+n/a")  # 6 + 2*6
        self.assertIn("note (neuralop 9.0 (PyPI)): matched: fake", out)
        rows = [l for l in out.splitlines() if l.startswith("| ")]
        self.assertEqual(len(rows), 2 + 4)  # 2 comparison rows, 4 memory rows
        self.assertRegex(rows[0], r"\| FNO-2D infer B=2 64² width 32 modes 12 layers 4 \| 3 \| 50\.00 \| "
                                  r"torch 1\.13 \(Debian\): 100\.00 \| torch 2\.9 \(PyPI\): 80\.00 \| "
                                  r"neuralop 9\.0 \(PyPI\): 120\.00 \| 1\.60× \|$")
        log = self.log.read_text().splitlines()
        peers = [l for l in log if not l.startswith(("shodh-run", "shodhc"))]
        self.assertEqual(len(peers), 6)  # 3 timing runs + 3 memory runs
        for l in peers:
            self.assertIn("--threads=3", l)
            self.assertIn("--iters=4", l)
            self.assertIn("--batch=2", l)
            self.assertTrue(l.endswith("OMP=3"), l)
        benches = [l for l in log if l.startswith("shodh-run bench")]
        self.assertEqual(len(benches), 2)
        for l in benches:
            self.assertIn("--threads 3 --iters 4", l)
        shodhc = [l for l in log if l.startswith("shodhc")]
        self.assertEqual(len(shodhc), 1)
        self.assertRegex(shodhc[0], r"models/fno\.mlir --train -o \S+ --set=width=32 "
                                    r"--set=modes=12 --set=res=64 --set=layers=4 --set=cin=3$")

    def run_moe_model(self, model, *args):
        """Runs the driver for `model` with its own peer scripts (not --peer-script);
        returns (stdout, log lines of the peers, the shodhc line, the bench lines)."""
        t = self.t
        cmd = [sys.executable, str(BENCH / "run.py"), "--model", model, "--build",
               str(t / "build"), "--python", str(t / "debian/python3"), "--venv", str(t / "venv"),
               *args]
        p = subprocess.run(cmd, capture_output=True, text=True, env=self.env)
        self.assertEqual(p.returncode, 0, p.stderr)
        log = self.log.read_text().splitlines()
        peers = [l for l in log if not l.startswith(("shodh-run", "shodhc"))]
        shodhc = [l for l in log if l.startswith("shodhc")]
        self.assertEqual(len(shodhc), 1)
        return p.stdout, peers, shodhc[0], [l for l in log if l.startswith("shodh-run bench")]

    def test_m2m_model(self):
        out, peers, shodhc, benches = self.run_moe_model("m2m", "--iters", "3")
        self.assertRegex(shodhc, r"models/m2m\.mlir --train -o \S+ --set=cin=3 --set=cout=1 "
                                 r"--set=width=32 --set=gmodes=12 --set=res=64$")
        self.assertEqual(len(peers), 4)  # torch-debian, torch-venv: timing + memory; no neuralop
        for l in peers:
            self.assertIn("bench/peers/torch_m2m2d.py --batch=16 --res=64 --cin=3 --width=32 "
                          "--global-modes=12 --threads=2 --iters=3", l)
        self.assertEqual(sum("peer_memory.py --model script --peer-script" in l for l in peers), 2)
        self.assertTrue(all("--batch 16 --threads 2 --iters 3" in l for l in benches))
        self.assertIn("M²M-2D B=16 64² width 32 expert modes 4/8/16 gmodes 12 (cin 3), 2 threads",
                      out)
        rows = [l for l in out.splitlines() if l.startswith("| ")]
        self.assertEqual(len(rows), 2 + 3)  # 2 comparison rows, 3 memory rows
        # One column per torch peer, none for neuralop: infer 100 / 80 ms vs shodh 50 ms.
        self.assertRegex(rows[0], r"\| M²M-2D infer B=16 64² width 32 expert modes 4/8/16 gmodes "
                                  r"12 \| 2 \| 50\.00 \| torch 1\.13 \(Debian\): 100\.00 \| "
                                  r"torch 2\.9 \(PyPI\): 80\.00 \| 1\.60× \|$")
        self.assertNotIn("neuralop", self.log.read_text())

    def test_shodh_moe_model(self):
        out_json = self.t / "moe.json"
        out, peers, shodhc, benches = self.run_moe_model(
            "shodh_moe", "--no-memory", "--threads", "1", "--json-out", str(out_json))
        self.assertRegex(shodhc, r"models/shodh_moe\.mlir --train -o \S+ --set=res=32 "
                                 r"--set=width=16$")
        self.assertEqual(len(peers), 2)
        for l in peers:
            self.assertIn("bench/peers/torch_shodh_moe.py --batch=4 --res=32 --width=16 "
                          "--threads=1 --iters=10", l)
            self.assertTrue(l.endswith("OMP=1"), l)
        self.assertTrue(all("--batch 4 --threads 1 --iters 10" in l for l in benches))
        self.assertIn("Shodh-MoE B=4 32³ width 16 experts 2 blocks 2, 1 threads", out)
        self.assertIn("train step 2.00× (vs torch 1.13 (Debian))", out)
        data = json.loads(out_json.read_text())
        self.assertEqual(data[0]["model"], "shodh_moe")
        self.assertEqual(data[0]["config"],
                         {"batch": 4, "res": 32, "width": 16, "threads": 1, "iters": 10})

    def test_moe_model_errors(self):
        for args, message in (
                (["--model", "shodh_moe", "--modes", "8"],
                 "--modes does not apply to --model shodh_moe (its options: --batch, --res,"),
                (["--model", "m2m", "--layers", "3"], "--layers does not apply to --model m2m"),
                (["--model", "shodh_moe", "--res", "20"], "--res 20: expected a multiple of 8"),
                (["--model", "shodh_moe", "--width", "0"], "--width 0: expected at least 1"),
                (["--model", "m2m", "--res", "48"], "--res 48: expected an even grid of at least 64"),
                (["--model", "m2m", "--modes", "40"], "--modes 40: expected at most res / 2 = 32"),
                (["--model", "m2m", "--peers", "torch-debian,neuralop"],
                 "neuralop has no M²M-2D model (peers of --model m2m: torch-debian, torch-venv)"),
                (["--model", "shodh_moe", "--scaling"],
                 "--scaling: the sweeps are defined for --model fno only, not shodh_moe")):
            with self.subTest(args=args):
                p = self.run_driver(*args)
                self.assertEqual(p.returncode, 1, p.stdout)
                self.assertIn(message, p.stderr)
                self.assertFalse(self.log.exists())  # nothing ran

    def test_roofline_is_skipped_for_moe_models(self):
        p = self.run_driver("--model", "m2m", "--roofline", "--peers", "none", "--no-memory",
                            env={"SHODH_ROOFLINE": str(self.t / "no-roofline")})
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("--roofline skipped: shodh-roofline models FNO-2D only, not M²M-2D",
                      p.stderr)
        self.assertNotIn("roofline", p.stdout)

    def test_shodh_memory_fields(self):
        p = self.run_driver("--peers", "torch-debian", env={"FAKE_RSS": "1"})
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(p.stdout, r"shodh-run\s+18\s+50\.00\s+150\.00\s+10\.0\s+20\.0\s+22\.0"
                                   r"\s+2\.0\s+12\.0")
        self.assertIn("| shodh-run | 10.0 | 20.0 | 22.0 | 2.0 | 12.0 |", p.stdout)
        # peer: 150 - 50 MiB from loading; 12 / 100 MiB
        self.assertIn("shodh-run peak - after loading: 0.12x the smallest peer's", p.stdout)

    def test_fno_sh_keeps_working(self):
        p = self.run_driver("--no-memory", script="fno.sh")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("infer 2.00× (vs torch 1.13 (Debian))", p.stdout)
        self.assertNotIn("PyPI", p.stdout)

    def test_missing_venv_is_skipped_with_a_note(self):
        p = self.run_driver("--venv", str(self.t / "nowhere"), "--no-memory")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("skipping peer torch-venv", p.stderr)
        self.assertIn("run scripts/setup-bench-venv.sh", p.stderr)
        self.assertIn("— | — |", p.stdout)

    def test_failing_peer_stops_the_run(self):
        p = self.run_driver("--peers", "torch-debian", env={"FAKE_PEER_FAIL": "1"})
        self.assertEqual(p.returncode, 1)
        self.assertIn("peer torch-debian", p.stderr)
        self.assertIn("ImportError: No module named 'torch'", p.stderr)

    def test_bad_inputs(self):
        for args, message in (
                (["--res", "16", "--modes", "9"], "--modes 9: expected at most res / 2 = 8"),
                (["--batch", "0"], "--batch 0: expected at least 1"),
                (["--peers", "torch-debian,jax"], "unknown peer(s) jax"),
                (["--peaks", "90"], "expected two positive numbers"),
                (["--json-out", "/nonexistent/dir/x.json"], "directory does not exist"),
                (["--build", str(self.t / "nobuild")], "shodhc not found: build first")):
            with self.subTest(args=args):
                p = self.run_driver(*args)
                self.assertEqual(p.returncode, 1, p.stdout)
                self.assertIn(message, p.stderr)
                self.assertFalse(self.log.exists())  # nothing ran

    def test_missing_roofline_is_reported_before_timing(self):
        env = dict(self.env)
        env.pop("SHODH_ROOFLINE", None)
        p = subprocess.run([sys.executable, str(BENCH / "run.py"), "--build", str(self.t / "build"),
                            "--roofline", "--peers", "none"], capture_output=True, text=True, env=env)
        self.assertEqual(p.returncode, 1)
        self.assertIn("shodh-roofline not found", p.stderr)
        self.assertFalse(self.log.exists())

    def test_failing_or_garbled_shodh(self):
        p = self.run_driver(env={"FAKE_SHODHC_FAIL": "1"})
        self.assertEqual(p.returncode, 1)
        self.assertIn("shodhc failed (exit 1): shodhc: error: bad model", p.stderr)
        p = self.run_driver(env={"FAKE_BAD_JSON": "1"})
        self.assertEqual(p.returncode, 1)
        self.assertIn("expected a JSON object on the last line of its output, got 'not json'",
                      p.stderr)

    def test_scaling_rows_are_per_sample(self):
        out_json = self.t / "scaling.json"
        p = self.run_driver("--scaling", "--json-out", str(out_json))
        self.assertEqual(p.returncode, 0, p.stderr)
        rows = [l for l in p.stdout.splitlines() if l.startswith("| ")]
        self.assertEqual(len(rows), 8)
        # batch 4 at 64²: shodh 50/4, Debian 100/4, venv 80/4 ms per sample.
        self.assertRegex(rows[5], r"\| batch \| 4 \| 64² \| 2 \| 12\.50 \| 25\.00 \| 20\.00 \| 1\.60× \| "
                                  r"37\.50 \| 75\.00 \| 82\.50 \| 2\.00× \|$")
        self.assertNotIn("neuralop", self.log.read_text())
        data = json.loads(out_json.read_text())
        self.assertEqual([d["config"]["res"] for d in data], [32, 64, 128, 256, 64, 64, 64, 64])
        self.assertTrue(all(d["model"] == "fno" for d in data))
        self.assertTrue(all(d["config"]["iters"] == 5 for d in data))


class RooflineTest(unittest.TestCase):
    """shodh-roofline (built by CMake; path in SHODH_ROOFLINE) without measuring."""

    def setUp(self):
        self.exe = os.environ.get("SHODH_ROOFLINE")
        if not self.exe or not Path(self.exe).exists():
            self.skipTest("SHODH_ROOFLINE not set (run through ctest)")

    def roofline(self, *args):
        return subprocess.run([self.exe, *args], capture_output=True, text=True)

    def test_cost_only(self):
        p = self.roofline("--cost-only", "--measured", "shodh=80,230")
        self.assertEqual(p.returncode, 0, p.stderr)
        j = json.loads(p.stdout.strip().splitlines()[-1])
        self.assertEqual(j["params"], 2368001)  # torch_fno2d.py's count
        self.assertIsNone(j["infer"]["bound_ms"])
        self.assertEqual([m["program"] for m in j["measured"]], ["infer", "train_step"])
        self.assertAlmostEqual(j["measured"][0]["gflops"], j["infer"]["flops"] / 80e6, places=2)

    def test_spectral_layer(self):
        p = self.roofline("--peak-gflops", "100", "--bandwidth-gbs", "10",
                          "--layer-measured", "shodh=9.5")
        self.assertEqual(p.returncode, 0, p.stderr)
        j = json.loads(p.stdout.strip().splitlines()[-1])
        c = j["spectral_layer"]
        # B=16 64², width 32, modes 12: skip GEMM 2*65536*32*32, two FFTs of
        # 512 grids at 2.5*4096*12, contraction 8*16*288*1024.
        # (the JSON has 6 significant digits)
        for key, want in (("gemm_flops", 2 * 65536 * 32 * 32),
                          ("fft_flops", 2 * 512 * 2.5 * 4096 * 12),
                          ("contract_flops", 8 * 16 * 288 * 1024)):
            self.assertAlmostEqual(c[key] / want, 1.0, places=5, msg=key)
        m = j["layer_measured"][0]
        self.assertEqual((m["label"], m["program"]), ("shodh", "spectral_layer"))
        self.assertAlmostEqual(m["over_bound"], 9.5 / c["bound_ms"], places=2)

    def test_given_peaks(self):
        p = self.roofline("--peak-gflops", "100", "--bandwidth-gbs", "10")
        self.assertEqual(p.returncode, 0, p.stderr)
        j = json.loads(p.stdout.strip().splitlines()[-1])
        c = j["train_step"]
        self.assertAlmostEqual(c["bound_ms"], max(c["flops"] / 1e8, c["bytes"] / 1e7), places=1)

    def test_errors(self):
        for args, message in (
                (["--res", "16", "--modes", "9"], "modes = 9: expected at most res / 2 = 8"),
                (["--measured", "shodh=80"], "expected label=infer_ms,train_ms"),
                (["--measured", "shodh=80,-1"], "times must be positive numbers"),
                (["--layer-measured", "shodh"], "expected label=ms with a positive time"),
                (["--layer-measured", "shodh=0"], "expected label=ms with a positive time"),
                (["--batch", "0"], "--batch")):
            with self.subTest(args=args):
                p = self.roofline("--cost-only", *args)
                self.assertNotEqual(p.returncode, 0)
                self.assertIn(message, p.stderr)

    def test_driver_roofline_rows(self):
        d = DriverTest("test_shodh_memory_fields")
        d.setUp()
        try:
            p = d.run_driver("--peers", "torch-debian", "--no-memory", "--roofline",
                             "--peaks", "100,10", env={"SHODH_ROOFLINE": self.exe})
            self.assertEqual(p.returncode, 0, p.stderr)
            rows = [l for l in p.stdout.splitlines() if "| 100.0 / 10.0 |" in l]
            # 2 programs x (shodh, torch-debian), and Shodh's spectral layer
            # alone (bench/spectral_layer.mlir, the fake's 50 ms)
            self.assertEqual(len(rows), 5)
            self.assertIn("| shodh | 50.0 |", rows[0])
            self.assertIn("FNO-2D spectral_layer B=16", rows[4])
            self.assertIn("| 0.32 | 19 | 3.2 | shodh | 50.0 |", rows[4])
        finally:
            d.tearDown()


    def test_driver_scaling_roofline_rows(self):
        d = DriverTest("test_shodh_memory_fields")
        d.setUp()
        try:
            p = d.run_driver("--peers", "none", "--scaling", "--roofline", "--peaks", "100,10",
                             env={"SHODH_ROOFLINE": self.exe})
            self.assertEqual(p.returncode, 0, p.stderr)
            rows = [l for l in p.stdout.splitlines() if "| 100.0 / 10.0 |" in l]
            self.assertEqual(len(rows), 24)  # 8 configurations x 3 (2 programs, layer)
            self.assertIn("FNO-2D train_step B=64 64²", rows[-2])
            self.assertIn("FNO-2D spectral_layer B=64 64²", rows[-1])
        finally:
            d.tearDown()


class ParsingTest(unittest.TestCase):
    def test_m2m_used_parameters(self):
        # shodh-run inspect of models/m2m.mlir --set cin=3 --set cout=1 (complex counting 2)
        # and the count torch_m2m2d.py prints for the same sizes.
        note = model_configs.M2MConfig().shodh_param_note(6893168)
        self.assertIn("used by the experts: 3354224", note)
        self.assertIsNone(model_configs.M2MConfig().shodh_param_note(18))  # not stacked

    def test_model_defaults_and_options(self):
        self.assertEqual(model_configs.option_names(),
                         ["batch", "res", "width", "modes", "layers", "cin", "threads", "iters"])
        self.assertEqual(model_configs.defaults_help("layers"),
                         "default: fno 4, m2m n/a, shodh_moe n/a")
        cfg = model_configs.make_config("shodh_moe", {"batch": 8})
        self.assertEqual((cfg.batch, cfg.res, cfg.width), (8, 32, 16))
        self.assertEqual(cfg.peer_args()[:3], ["--batch=8", "--res=32", "--width=16"])


    def test_model_params_counts_complex_twice(self):
        text = textwrap.dedent("""\
            parameters: 2 tensors, 12 values (0 MiB)
              w   f32 [3, 2]   fan_in_uniform(fan=3, seed=1)
              s   complex<f32> [1, 2, 3] uniform(low=0)
            state: 1 tensors
              w.adam_m  f32 [3, 2]  zeros(seed=0)
            """)
        self.assertEqual(measure.model_params(text), 6 + 2 * 6)

    def test_speedup_against_fastest_peer(self):
        rs = [measure.Result("shodh", "s", infer_ms=10.0),
              measure.Result("torch-debian", "a", infer_ms=30.0),
              measure.Result("neuralop", "b", infer_ms=20.0)]
        best, ms = report.fastest_peer(rs, "infer_ms")
        self.assertEqual((best.key, ms), ("neuralop", 20.0))
        self.assertEqual(report.speedup(10.0, ms), 2.0)
        self.assertIsNone(report.speedup(None, ms))


if __name__ == "__main__":
    unittest.main()
