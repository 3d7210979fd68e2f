//===- ExpertMoe.cpp - The CPU "moe" kernel (fused MoE layer) -------------===//
//
// See ExpertMoe.h. The factory checks the attributes and operand kinds; the
// three sub-kernels are created in `prepare`, from the registry, with the
// concrete shapes of the intermediates (so their own signature and shape
// checks apply, messages prefixed with this call's `where`).
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/moe/ExpertMoe.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/optim/FloatAttr.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <string>

namespace shodh {

namespace {

/// One sub-kernel: its call, operand descriptions and instance.
/// A kernel-owned tensor: 8-byte aligned storage of `shape`.
struct Scratch {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::vector<int64_t> words;
  TensorRef ref() { return TensorRef{dtype, shape, words.data()}; }
};

class MoeKernel : public Kernel {
public:
  explicit MoeKernel(const KernelSignature &sig) : where_(sig.where) {
    kind_ = stringAttr(sig, "expert", "");
    size_t params = kind_ == "mlp" ? 4 : kind_ == "fno" ? 3 : 0;
    if (params == 0)
      throw Error(fmt::format("{}: attribute 'expert' must be \"mlp\" or "
                              "\"fno\", got \"{}\"",
                              sig.where, kind_));
    expectOperandCounts(sig, 3 + params, 3 + params, 1);
    expectDType(sig, *sig.inputs[0], "tokens", {DType::F32});
    expectDType(sig, *sig.inputs[1], "experts", {DType::I64});
    expectDType(sig, *sig.inputs[2], "gates", {DType::F32});
    expectDType(sig, *sig.outputs[0], "output", {DType::F32});
    experts_ = intAttr(sig, "num_experts");
    if (experts_ < 1)
      throw Error(fmt::format("{}: 'num_experts' must be positive, got {}",
                              sig.where, experts_));
    capacity_ = floatAttr(sig, "capacity_factor", 0.0);
    if (kind_ == "fno")
      modes_ = intsAttr(sig, "modes");
  }

  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override {
    const std::vector<int64_t> &tok = in[0].shape, &ids = in[1].shape;
    if (tok.size() < 3 || ids.size() != 3 || ids[0] != tok[0] ||
        ids[1] != tok[1] || in[2].shape != ids)
      throw Error(fmt::format("{}: tokens must be [B, T, F...] with experts "
                              "and gates [B, T, k]",
                              where_));
    const int64_t rows = tok[1] * ids[2];
    sorted_ = {DType::F32, tok, {}};
    sorted_.shape[1] = rows;
    offsets_ = {DType::I64, {experts_ + 1}, {}};
    source_ = {DType::I64, {tok[0], rows}, {}};
    expertOut_ = {DType::F32, out[0].shape, {}};
    expertOut_.shape[1] = rows;
    for (Scratch *s : {&sorted_, &offsets_, &source_, &expertOut_}) {
      int64_t n = 1;
      for (int64_t d : s->shape)
        n *= d;
      s->words.assign(size_t(s->dtype == DType::I64 ? n : (n + 1) / 2), 0);
    }
    std::vector<TensorRef> params(in.begin() + 3, in.end());
    // dispatch (tokens, experts) -> (sorted, offsets, source)
    setUp(dispatch_, "dispatch",
          {{"num_experts", experts_}, {"capacity_factor", capacity_}},
          {in[0], in[1]}, {sorted_.ref(), offsets_.ref(), source_.ref()}, ctx);
    // expert (sorted, offsets, params...) -> out
    std::vector<TensorRef> expertIn = {sorted_.ref(), offsets_.ref()};
    expertIn.insert(expertIn.end(), params.begin(), params.end());
    std::vector<NamedAttr> attrs;
    if (kind_ == "fno")
      attrs.push_back({"modes", modes_});
    setUp(expert_, "expert_" + kind_, attrs, expertIn, {expertOut_.ref()}, ctx);
    // combine (out, gates, source, offsets) -> y
    setUp(combine_, "combine", {},
          {expertOut_.ref(), in[2], source_.ref(), offsets_.ref()}, {out[0]},
          ctx);
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    dispatch_.kernel->run({in[0], in[1]},
                          {sorted_.ref(), offsets_.ref(), source_.ref()}, ctx);
    std::vector<TensorRef> expertIn = {sorted_.ref(), offsets_.ref()};
    expertIn.insert(expertIn.end(), in.begin() + 3, in.end());
    expert_.kernel->run(expertIn, {expertOut_.ref()}, ctx);
    combine_.kernel->run(
        {expertOut_.ref(), in[2], source_.ref(), offsets_.ref()}, {out[0]},
        ctx);
  }

private:
  /// Creates and prepares CPU sub-kernel `name` for the concrete operands.
  void setUp(SubKernel &sub, const std::string &name,
             std::vector<NamedAttr> attrs, const std::vector<TensorRef> &ins,
             const std::vector<TensorRef> &outs, KernelContext &ctx) {
    prepareSubKernel(sub, Backend::Cpu, where_, name, std::move(attrs), ins,
                     outs, ctx);
  }

  std::string where_, kind_;
  int64_t experts_ = 0;
  double capacity_ = 0.0;
  std::vector<int64_t> modes_;
  Scratch sorted_, offsets_, source_, expertOut_;
  SubKernel dispatch_, expert_, combine_;
};

} // namespace

void prepareSubKernel(SubKernel &sub, Backend backend, const std::string &where,
                      const std::string &name, std::vector<NamedAttr> attrs,
                      const std::vector<TensorRef> &ins,
                      const std::vector<TensorRef> &outs, KernelContext &ctx) {
  sub.call = KernelCall{name, {}, {}, std::move(attrs)};
  sub.descs.clear();
  for (const std::vector<TensorRef> *group : {&ins, &outs})
    for (const TensorRef &t : *group) {
      TensorDesc d;
      d.name = name + "." + std::to_string(sub.descs.size());
      d.dtype = t.dtype;
      for (int64_t v : t.shape)
        d.shape.push_back(Dim::fixed(v));
      sub.descs.push_back(std::move(d));
    }
  KernelSignature sig{&sub.call, {}, {}, where + " -> " + name};
  for (size_t i = 0; i < sub.descs.size(); ++i)
    (i < ins.size() ? sig.inputs : sig.outputs).push_back(&sub.descs[i]);
  const KernelFactory *f = KernelRegistry::builtin().find(name, backend);
  if (!f)
    throw Error(backend == Backend::Cpu
                    ? fmt::format("{}: kernel '{}' is not registered", where,
                                  name)
                    : fmt::format("{}: backend cuda has no kernel '{}' (run "
                                  "it on the CPU backend, --device cpu)",
                                  where, name));
  sub.kernel = (*f)(sig);
  sub.kernel->prepare(ins, outs, ctx);
}

std::unique_ptr<Kernel> makeMoeKernel(const KernelSignature &sig) {
  return std::make_unique<MoeKernel>(sig);
}

} // namespace shodh
