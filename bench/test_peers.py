"""Tests of the MoE peers of bench/run.py under Debian's torch (tiny sizes).

bench/peers/torch_shodh_moe.py must be the model of models/shodh_moe.mlir:
its parameter count is the model file's (counted here from the file's
parameter dims), its decoded velocity is divergence-free, its sparse top-1
dispatch equals running every expert on every token and keeping the routed
one, its router losses take the values docs/experts.md derives, and a
training step updates every parameter. With a build (shodhc and shodh-run
beside $SHODH_ROOFLINE, as ctest sets it) the peer loaded with Shodh's
parameters reproduces `shodh-run infer` and the first training step's loss
and aux terms. The scripts' JSON lines and peer_memory.py's script mode
(also for torch_m2m2d.py) are run once. No timing is asserted.
Run: cd bench && /usr/bin/python3 -m unittest -v test_peers (ctest -R bench).
"""
import json
import math
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH / "peers"))
try:
    import torch
    import torch_shodh_moe as moe
except ImportError:  # the driver's tests (test_run.py) do not need torch
    torch = None


def model_file_params(width=16, latent=8, patch=4, dim=64, hidden=128, shared=128, experts=2,
                      blocks=2):
    """Parameter count from the shodh.param dims of models/shodh_moe.mlir."""
    tok = latent * patch ** 3
    autoencoder = (width * 3 * 64 + 3 * width + latent * width * 27 + latent
                   + width * latent * 27 + width + width * width * 8 + width + 3 * width * 27 + 3)
    block = (2 * dim + 3 * dim * dim + 3 * dim + dim * dim + dim + 2 * dim + experts * dim
             + experts + experts * (2 * hidden * dim + hidden + dim)
             + 2 * shared * dim + shared + dim)
    return autoencoder + tok * dim + dim + blocks * block + 2 * dim + dim * tok + tok


def relative_divergence(v):
    """max |k . v_hat| / max |k| |v_hat| over the real FFT's wavevectors (Nyquist k = 0)."""
    d, h, w = v.shape[-3:]
    vf = torch.fft.rfftn(v.double(), dim=(-3, -2, -1))
    k = (moe.wavenumbers(d, False).double()[:, None, None],
         moe.wavenumbers(h, False).double()[None, :, None],
         moe.wavenumbers(w, True).double()[None, None, :])
    div = (k[0] * vf[:, 0] + k[1] * vf[:, 1] + k[2] * vf[:, 2]).abs()
    knorm = (k[0] ** 2 + k[1] ** 2 + k[2] ** 2).sqrt()
    return (div.max() / (knorm * vf.abs().amax(1)).max()).item()


@unittest.skipIf(torch is None, "torch not importable (run with /usr/bin/python3)")
class ShodhMoePeerTest(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(0)
        torch.set_num_threads(1)

    def test_parameter_count_is_the_model_files(self):
        # 213167 is also what `shodh-run inspect` prints for the compiled default model.
        self.assertEqual(model_file_params(), 213167)
        self.assertEqual(moe.count_params(moe.ShodhMoE()), 213167)
        small = dict(width=8, latent=4, patch=2, dim=32, hidden=48, shared=24, experts=3, blocks=1)
        self.assertEqual(moe.count_params(moe.ShodhMoE(heads=4, **small)),
                         model_file_params(**small))

    def test_forward_shapes_and_divergence_free_output(self):
        model = moe.ShodhMoE().eval()
        u = torch.randn(2, 3, 16, 16, 16)
        with torch.no_grad():
            z = model.encoder(u)
            y, routing = model(u)
            raw = model.decoder.out(torch.nn.functional.gelu(model.decoder.up(
                torch.nn.functional.gelu(model.decoder.inp(z)))))
        self.assertEqual(tuple(z.shape), (2, 8, 8, 8, 8))
        self.assertEqual(tuple(y.shape), (2, 3, 16, 16, 16))
        self.assertEqual(len(routing), 2)  # blocks
        for probs, ids in routing:  # (8/4)^3 = 8 tokens, 2 experts
            self.assertEqual(tuple(probs.shape), (2, 8, 2))
            self.assertEqual(tuple(ids.shape), (2, 8))
        # f32 FFTs of 16^3 points: round-off ~1e-7 relative; the decoder's
        # output before the projection has an O(1) relative divergence.
        self.assertLess(relative_divergence(y), 1e-5)
        self.assertGreater(relative_divergence(raw), 0.1)

    def test_leray_projection_is_idempotent_and_keeps_the_mean(self):
        v = torch.randn(1, 3, 8, 6, 10, dtype=torch.float64)
        p = moe.leray_project(v)
        self.assertLess((moe.leray_project(p) - p).abs().max().item(), 1e-12)
        self.assertLess((p.mean((-3, -2, -1)) - v.mean((-3, -2, -1))).abs().max().item(), 1e-12)
        self.assertLess(relative_divergence(p), 1e-12)

    def test_sparse_dispatch_equals_dense_experts(self):
        block = moe.MoEBlock(16, 4, 32, 24, 3)
        a = torch.randn(2, 10, 16)
        probs = torch.softmax(torch.randn(2, 10, 3), -1)
        gate, ids = probs.max(-1)
        self.assertGreater(len(set(ids.flatten().tolist())), 1)
        dense = torch.stack([expert(a) for expert in block.experts], -1)  # every expert
        want = gate[..., None] * dense.gather(-1, ids[..., None, None].expand(2, 10, 16, 1))[..., 0]
        with torch.no_grad():
            got = block.routed(a, gate, ids)
        self.assertLess((got - want.detach()).abs().max().item(), 1e-6)

    def test_router_losses(self):
        e = 2
        uniform = torch.full((2, 4, e), 0.5)
        ids = torch.tensor([[0, 1, 0, 1], [1, 0, 1, 0]])
        self.assertAlmostEqual(moe.switch_balance(uniform, ids).item(), 1.0, places=6)
        self.assertAlmostEqual(moe.sample_routing(uniform).item(), math.log(e), places=6)
        # Each sample on its own expert, the batch balanced: log E - I = 0.
        split = torch.stack([torch.tensor([1.0, 0.0]).expand(4, e),
                             torch.tensor([0.0, 1.0]).expand(4, e)])
        self.assertAlmostEqual(moe.sample_routing(split).item(), 0.0, places=6)
        # Everything on expert 0: balance E, KL(batch || uniform) = log E.
        one = torch.tensor([1.0, 0.0]).expand(2, 4, e)
        self.assertAlmostEqual(moe.switch_balance(one, torch.zeros(2, 4, dtype=torch.long)).item(),
                               float(e), places=6)
        self.assertAlmostEqual(moe.sample_routing(one).item(), math.log(e), places=6)

    def test_training_step_updates_every_parameter(self):
        a = moe.parse_args(["--batch", "2", "--res", "16", "--threads", "1"])
        model, infer, train_step = moe.build(a)
        # A nonzero head, so the MSE reaches the transformer (at init the step is the identity).
        torch.nn.init.normal_(model.step.head.weight, std=0.1)
        before = {n: q.detach().clone() for n, q in model.named_parameters()}
        train_step()
        infer()
        for block in range(a.blocks):
            used = [e for e in range(a.experts)
                    if model.step.blocks[block].experts[e][0].weight.grad is not None]
            self.assertTrue(used, f"block {block}: no expert got tokens")
        for n, q in model.named_parameters():
            if q.grad is None:  # only an expert that got no token is left out of the graph
                self.assertIn(".experts.", n)
                continue
            self.assertTrue(torch.isfinite(q.grad).all(), n)
            self.assertFalse(torch.equal(q.detach(), before[n]), n)  # Adam moved it


def run_script(script, *args):
    p = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True,
                       env=dict(os.environ, OMP_NUM_THREADS="1"))
    if p.returncode != 0:
        raise AssertionError(f"{script.name} failed: {p.stderr}")
    return json.loads(p.stdout.strip().splitlines()[-1])


@unittest.skipIf(torch is None, "torch not importable (run with /usr/bin/python3)")
class PeerScriptTest(unittest.TestCase):
    def test_shodh_moe_script_and_memory_harness(self):
        script = BENCH / "peers/torch_shodh_moe.py"
        out = run_script(script, "--batch=1", "--res=16", "--threads=1", "--iters=1")
        self.assertEqual((out["model"], out["params"]), ("shodh_moe", 213167))
        self.assertGreater(out["infer_ms"], 0)
        self.assertGreater(out["train_step_ms"], 0)
        mem = run_script(BENCH / "peers/peer_memory.py", "--model", "script", "--peer-script",
                         script, "--batch=1", "--res=16", "--threads=1", "--iters=1")
        self.assertGreaterEqual(mem["peak_rss_kib"], mem["rss_after_warmup_kib"])
        self.assertGreater(mem["rss_after_warmup_kib"], mem["rss_after_load_kib"])
        self.assertTrue(mem["optimizer_state_at_load"])
        self.assertEqual(mem["res"], 16)

    def test_m2m_memory_harness(self):
        mem = run_script(BENCH / "peers/peer_memory.py", "--model", "script", "--peer-script",
                         BENCH / "peers/torch_m2m2d.py", "--batch=1", "--width=8",
                         "--global-modes=4", "--threads=1", "--iters=1")
        self.assertTrue(mem["peer"].startswith("torch_m2m2d on torch"), mem)
        self.assertGreater(mem["train_step_ms"], 0)


def shodh_bin():
    """The build's bin folder (beside $SHODH_ROOFLINE, or $SHODH_BIN), or None."""
    exe = os.environ.get("SHODH_ROOFLINE")
    bin_dir = Path(os.environ.get("SHODH_BIN") or (Path(exe).parent if exe else "/nonexistent"))
    return bin_dir if (bin_dir / "shodhc").exists() and (bin_dir / "shodh-run").exists() else None


def load_shodh_params(model, f):
    """Shodh's parameters (an HDF5 of `shodh-run infer --dump-params`) into the peer."""
    names = {"enc_w": "encoder.down.weight", "enc_b": "encoder.down.bias",
             "enc_gamma": "encoder.norm.weight", "enc_beta": "encoder.norm.bias",
             "lat_w": "encoder.out.weight", "lat_b": "encoder.out.bias",
             "dec_w": "decoder.inp.weight", "dec_b": "decoder.inp.bias",
             "up_w": "decoder.up.weight", "up_b": "decoder.up.bias",
             "out_w": "decoder.out.weight", "out_b": "decoder.out.bias",
             "emb_w": "step.emb.weight", "emb_b": "step.emb.bias", "lnf_g": "step.lnf.weight",
             "lnf_b": "step.lnf.bias", "head_w": "step.head.weight", "head_b": "step.head.bias"}
    per_block = {"ln1_g": "ln1.weight", "ln1_b": "ln1.bias", "wqkv": "attn.in_proj_weight",
                 "bqkv": "attn.in_proj_bias", "wo": "attn.out_proj.weight",
                 "bo": "attn.out_proj.bias", "ln2_g": "ln2.weight", "ln2_b": "ln2.bias",
                 "router_w": "router.weight", "router_b": "router.bias",
                 "s_w1": "shared.0.weight", "s_b1": "shared.0.bias",
                 "s_w2": "shared.2.weight", "s_b2": "shared.2.bias"}
    per_expert = {"e_w1": "0.weight", "e_b1": "0.bias", "e_w2": "2.weight", "e_b2": "2.bias"}
    sd = {ours: torch.tensor(f[theirs][...]) for theirs, ours in names.items()}
    for i in range(len(model.step.blocks)):
        pre = f"step.blocks.{i}."
        sd.update({pre + ours: torch.tensor(f[f"{theirs}_{i}"][...])
                   for theirs, ours in per_block.items()})
        for theirs, ours in per_expert.items():
            stacked = f[f"{theirs}_{i}"][...]
            sd.update({f"{pre}experts.{e}.{ours}": torch.tensor(stacked[e])
                       for e in range(len(stacked))})
    model.load_state_dict(sd)  # strict: every parameter of the peer comes from Shodh


@unittest.skipIf(torch is None, "torch not importable (run with /usr/bin/python3)")
class ShodhParityTest(unittest.TestCase):
    """The peer with Shodh's parameters against the compiled model, at res 16."""

    def setUp(self):
        self.bin = shodh_bin()
        if self.bin is None:
            self.skipTest("no build: set SHODH_ROOFLINE or SHODH_BIN (run through ctest)")
        try:
            import h5py
        except ImportError:
            self.skipTest("h5py not importable")
        self.h5py = h5py
        self.tmp = tempfile.TemporaryDirectory()
        self.t = Path(self.tmp.name)
        torch.manual_seed(1)
        torch.set_num_threads(1)
        self.u, self.target = torch.randn(4, 3, 16, 16, 16), torch.randn(4, 3, 16, 16, 16)
        with h5py.File(self.t / "data.h5", "w") as f:
            f["inputs"], f["targets"] = self.u.numpy(), self.target.numpy()

    def tearDown(self):
        self.tmp.cleanup()

    def shodh(self, tool, *args):
        p = subprocess.run([str(self.bin / tool), *map(str, args)], capture_output=True,
                           text=True, cwd=self.t)
        self.assertEqual(p.returncode, 0, p.stderr)

    def peer(self, params_file):
        model = moe.ShodhMoE()
        with self.h5py.File(self.t / params_file, "r") as f:
            load_shodh_params(model, f)
        return model

    def test_forward_and_first_loss_match_shodh(self):
        # lr 0.03 so that 3 steps move the zero-initialised head (and with it the
        # whole latent transformer) well away from the identity step.
        self.shodh("shodhc", REPO / "models/shodh_moe.mlir", "--set", "res=16",
                   "--set", "train.lr=0.03", "-o", "m.fb")
        self.shodh("shodh-run", "infer", "m.fb", "--data", "data.h5", "--out", "o0.h5",
                   "--dump-params", "p0.h5", "--threads", "1")
        self.shodh("shodh-run", "train", "m.fb", "--data", "data.h5", "--steps", "3", "--batch",
                   "4", "--threads", "1", "--no-normalize", "--log-every", "1", "--out", "run")
        self.shodh("shodh-run", "infer", "m.fb", "--weights", "run/latest.fb", "--data",
                   "data.h5", "--out", "o3.h5", "--dump-params", "p3.h5", "--threads", "1")
        first = json.loads((self.t / "run/metrics.jsonl").read_text().splitlines()[0])
        self.assertEqual(first["step"], 1)

        model = self.peer("p0.h5")  # the loss terms of step 1, at the initial parameters
        y, routing = model(self.u)
        terms = [(moe.switch_balance(p, i), moe.sample_routing(p)) for p, i in routing]
        want = {"loss": torch.nn.functional.mse_loss(y, self.target).item(),
                "aux.0": terms[0][0].item(), "aux.1": terms[0][1].item(),
                "aux.2": terms[1][0].item(), "aux.3": terms[1][1].item()}
        for key, value in want.items():  # f32 sums in another order: ~1e-7 relative
            self.assertAlmostEqual(first[key], value, delta=1e-5 * max(1.0, abs(value)), msg=key)

        model = self.peer("p3.h5").eval()
        with torch.no_grad():
            y, _ = model(self.u)
            head_off = self.peer("p3.h5").eval()
            head_off.step.head.weight.zero_()
            head_off.step.head.bias.zero_()
            y_ae, _ = head_off(self.u)
        with self.h5py.File(self.t / "o3.h5", "r") as f:
            y_shodh = torch.tensor(f["outputs"][...])
        scale = y_shodh.abs().max().item()
        # ~20 f32 ops deep (convs, attention, FFTs): measured 1e-6 of max |y|.
        self.assertLess((y - y_shodh).abs().max().item(), 1e-5 * scale)
        self.assertGreater((y - y_ae).abs().max().item(), 0.01 * scale)  # the transformer counts


if __name__ == "__main__":
    unittest.main()
