"""The models bench/run.py can time (`--model`), one configuration class each.

A configuration holds the sizes the driver's command line sets (batch, grid,
width, ...; the model file's defaults for everything else) and knows how to
pass them on: `shodhc_sets()` for compiling the model with `shodhc --train`,
`peer_args()` for the PyTorch peer script. Class attributes name the model
file, the peer script, the peers that have the model, and the title used in
the tables. The dataclass fields are exactly the options a model accepts
(`asdict` of a configuration is what `--json-out` records):

  fno        models/fno.mlir      ../shared/peers/torch_fno2d.py, neuralop
  m2m        models/m2m.mlir      bench/peers/torch_m2m2d.py
  shodh_moe  models/shodh_moe.mlir bench/peers/torch_shodh_moe.py
"""
from dataclasses import dataclass, fields
from typing import ClassVar

from measure import BenchError

TORCH_PEERS = ("torch-debian", "torch-venv")


def check_positive(cfg):
    for f in fields(cfg):
        if getattr(cfg, f.name) < 1:
            raise BenchError(f"--{f.name} {getattr(cfg, f.name)}: expected at least 1")


@dataclass
class FnoConfig:
    """FNO-2D (models/fno.mlir) and the torch_fno2d / neuralop peers."""
    model: ClassVar[str] = "fno"
    title: ClassVar[str] = "FNO-2D"
    mlir: ClassVar[str] = "models/fno.mlir"
    torch_peer: ClassVar[str] = "../shared/peers/torch_fno2d.py"
    harness: ClassVar[str] = "torch_fno2d"  # bench/peers/peer_memory.py --model
    peers: ClassVar[tuple] = TORCH_PEERS + ("neuralop",)
    batch: int = 16
    res: int = 64
    width: int = 32
    modes: int = 12
    layers: int = 4
    cin: int = 3
    threads: int = 2
    iters: int = 10

    def check(self):
        check_positive(self)
        if 2 * self.modes > self.res:
            raise BenchError(f"--modes {self.modes}: expected at most res / 2 = {self.res // 2} "
                             "(2*modes rows of the spectrum are kept)")

    def shodhc_sets(self):
        return [f"--set={k}={getattr(self, k)}" for k in ("width", "modes", "res", "layers", "cin")]

    def peer_args(self):
        return [f"--{k}={getattr(self, k)}" for k in
                ("batch", "width", "modes", "layers", "res", "cin", "threads", "iters")]

    def describe(self):
        return (f"B={self.batch} {self.res}² width {self.width} modes {self.modes} "
                f"layers {self.layers}")

    def headline(self):
        return f"{self.title} {self.describe()} (cin {self.cin})"

    def shodh_param_note(self, params):
        return None


@dataclass
class M2MConfig:
    """M²M-2D (models/m2m.mlir with cout = 1) and bench/peers/torch_m2m2d.py.

    `modes` is the global FNO block's (gmodes); the experts keep the model's
    mode counts 4, 8, 16 and depth 2 on scale 2 (patches of res/2)."""
    model: ClassVar[str] = "m2m"
    title: ClassVar[str] = "M²M-2D"
    mlir: ClassVar[str] = "models/m2m.mlir"
    torch_peer: ClassVar[str] = "bench/peers/torch_m2m2d.py"
    harness: ClassVar[str] = "script"
    peers: ClassVar[tuple] = TORCH_PEERS
    expert_modes: ClassVar[tuple] = (4, 8, 16)  # m0, m1, m2 of models/m2m.mlir
    depth: ClassVar[int] = 2                    # FNO blocks per expert
    batch: int = 16
    res: int = 64
    width: int = 32
    modes: int = 12
    cin: int = 3
    threads: int = 2
    iters: int = 10

    def check(self):
        check_positive(self)
        patch = 2 * max(self.expert_modes)
        if self.res % 2 or self.res // 2 < patch:
            raise BenchError(f"--res {self.res}: expected an even grid of at least {2 * patch} "
                             f"(2 patches per axis, each holding the largest expert's "
                             f"{2 * max(self.expert_modes)} rows of modes)")
        if 2 * self.modes > self.res:
            raise BenchError(f"--modes {self.modes}: expected at most res / 2 = {self.res // 2} "
                             "(the global block keeps 2*modes rows of the spectrum)")

    def shodhc_sets(self):
        return [f"--set={k}={v}" for k, v in (("cin", self.cin), ("cout", 1), ("width", self.width),
                                              ("gmodes", self.modes), ("res", self.res))]

    def peer_args(self):
        return [f"--batch={self.batch}", f"--res={self.res}", f"--cin={self.cin}",
                f"--width={self.width}", f"--global-modes={self.modes}",
                f"--threads={self.threads}", f"--iters={self.iters}"]

    def describe(self):
        return (f"B={self.batch} {self.res}² width {self.width} expert modes "
                f"{'/'.join(map(str, self.expert_modes))} gmodes {self.modes}")

    def headline(self):
        return f"{self.title} {self.describe()} (cin {self.cin})"

    def shodh_param_note(self, params):
        """shodh stacks the experts' spectral weights at the largest mode count;
        the smaller experts use a corner of theirs (docs/experts.md § M²M)."""
        top = max(self.expert_modes)
        unused = self.depth * self.width ** 2 * sum(2 * (top ** 2 - m ** 2)
                                                     for m in self.expert_modes)
        if params is None or params <= 2 * unused:  # not the stacked layout
            return None
        return (f"params count the experts' spectral weights stacked at {top} modes; "
                f"used by the experts: {params - 2 * unused} (a complex value counts 2)")


@dataclass
class ShodhMoeConfig:
    """Shodh-MoE (models/shodh_moe.mlir, entry @infer) and
    bench/peers/torch_shodh_moe.py; the model file's latent 8, patch 4, dim 64,
    hidden 128, shared 128, experts 2, blocks 2."""
    model: ClassVar[str] = "shodh_moe"
    title: ClassVar[str] = "Shodh-MoE"
    mlir: ClassVar[str] = "models/shodh_moe.mlir"
    torch_peer: ClassVar[str] = "bench/peers/torch_shodh_moe.py"
    harness: ClassVar[str] = "script"
    peers: ClassVar[tuple] = TORCH_PEERS
    patch: ClassVar[int] = 4  # latent voxels per token edge; the latent grid is res/2
    experts: ClassVar[int] = 2
    blocks: ClassVar[int] = 2
    batch: int = 4
    res: int = 32
    width: int = 16
    threads: int = 2
    iters: int = 10

    def check(self):
        check_positive(self)
        if self.res % (2 * self.patch):
            raise BenchError(f"--res {self.res}: expected a multiple of {2 * self.patch} "
                             f"(the latent grid res/2 is cut into {self.patch}³ patches)")

    def shodhc_sets(self):
        return [f"--set=res={self.res}", f"--set=width={self.width}"]

    def peer_args(self):
        return [f"--{k}={getattr(self, k)}" for k in ("batch", "res", "width", "threads", "iters")]

    def describe(self):
        return (f"B={self.batch} {self.res}³ width {self.width} experts {self.experts} "
                f"blocks {self.blocks}")

    def headline(self):
        return f"{self.title} {self.describe()}"

    def shodh_param_note(self, params):
        return None


MODELS = {c.model: c for c in (FnoConfig, M2MConfig, ShodhMoeConfig)}


def option_names():
    """Every size option of any model, in the order of FnoConfig's fields first."""
    names = []
    for cls in MODELS.values():
        names += [f.name for f in fields(cls) if f.name not in names]
    return names


OPTION_NOTES = {"modes": " (m2m: the global FNO block's modes)"}


def defaults_help(name):
    """'default: fno 16, m2m 16, shodh_moe 4' for one option."""
    parts = []
    for key, cls in MODELS.items():
        default = {f.name: f.default for f in fields(cls)}.get(name)
        parts.append(f"{key} {default if default is not None else 'n/a'}")
    return "default: " + ", ".join(parts) + OPTION_NOTES.get(name, "")


def make_config(model, given):
    """The configuration of `model` from the options the user gave (name -> value)."""
    cls = MODELS[model]
    own = [f.name for f in fields(cls)]
    stray = [k for k in given if k not in own]
    if stray:
        raise BenchError(f"--{stray[0]} does not apply to --model {model} (its options: "
                         + ", ".join("--" + n for n in own) + ")")
    cfg = cls(**given)
    cfg.check()
    return cfg
