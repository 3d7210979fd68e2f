//===- CpuKernelHarness.h - Creating and running one CPU kernel in tests --===//
//
// `HostTensor` owns aligned storage for a concrete tensor; `createKernel`
// runs a registered factory on symbolic descriptions (for validation tests);
// `runKernel` creates, prepares and runs a kernel on host tensors with a pool
// of the given size. `expectErrorContaining` checks an `Error`'s message.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/AlignedBuffer.h"
#include "runtime/core/Kernel.h"
#include "runtime/core/ThreadPool.h"
#include "runtime/support/Status.h"

#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <string>
#include <vector>

namespace shodh::testing {

/// A concrete tensor with owned, zero-filled, aligned storage.
struct HostTensor {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  AlignedBuffer storage;

  /// Allocates a tensor of `shape`.
  HostTensor(DType t, std::vector<int64_t> s) : dtype(t), shape(std::move(s)) {
    storage = AlignedBuffer(uint64_t(numel()) * dtypeSize(dtype));
  }
  /// Number of elements.
  int64_t numel() const { return TensorRef{dtype, shape, nullptr}.numel(); }
  /// The data as floats (dtype f32).
  float *f32() const { return reinterpret_cast<float *>(storage.data()); }
  /// The data as doubles (dtype f64).
  double *f64() const { return reinterpret_cast<double *>(storage.data()); }
  /// A kernel's view of the tensor.
  TensorRef ref() const { return TensorRef{dtype, shape, storage.data()}; }
  /// A description with static dims.
  TensorDesc desc(const std::string &name) const {
    TensorDesc d;
    d.name = name, d.dtype = dtype;
    for (int64_t n : shape)
      d.shape.push_back(Dim::fixed(n));
    return d;
  }
  /// Fills with uniform values in [lo, hi) from `seed` (f32, f64, and
  /// complex<f32> part by part).
  void fillUniform(uint32_t seed, double lo = -1.0, double hi = 1.0) {
    std::mt19937_64 gen(seed);
    std::uniform_real_distribution<double> u(lo, hi);
    if (dtype == DType::C64) { // real and imaginary parts, in memory order
      float *p = reinterpret_cast<float *>(storage.data());
      for (int64_t i = 0; i < 2 * numel(); ++i)
        p[i] = float(u(gen));
      return;
    }
    for (int64_t i = 0; i < numel(); ++i)
      dtype == DType::F32 ? void(f32()[i] = float(u(gen)))
                          : void(f64()[i] = u(gen));
  }
};

/// Runs the factory of kernel `name` of `backend` (default the CPU) on
/// symbolic operand descriptions (creating a cuda kernel needs no device;
/// only `prepare` and `run` use one).
inline std::unique_ptr<Kernel>
createKernel(const std::string &name, std::vector<NamedAttr> attrs,
             const std::vector<TensorDesc> &ins,
             const std::vector<TensorDesc> &outs,
             Backend backend = Backend::Cpu) {
  KernelCall call{name, {}, {}, std::move(attrs)};
  KernelSignature sig{&call, {}, {}, "program 'test', call 0 (" + name + ")"};
  for (const TensorDesc &d : ins)
    sig.inputs.push_back(&d);
  for (const TensorDesc &d : outs)
    sig.outputs.push_back(&d);
  const KernelFactory *f = KernelRegistry::builtin().find(name, backend);
  if (!f)
    throw Error("kernel not registered: " + name);
  return (*f)(sig);
}

/// Creates, prepares and runs CPU kernel `name` once on a pool of `threads`.
inline void runKernel(const std::string &name, std::vector<NamedAttr> attrs,
                      const std::vector<const HostTensor *> &ins,
                      const std::vector<const HostTensor *> &outs,
                      int threads) {
  std::vector<TensorDesc> inDescs, outDescs;
  std::vector<TensorRef> inRefs, outRefs;
  for (const HostTensor *t : ins)
    inDescs.push_back(t->desc("in" + std::to_string(inDescs.size()))),
        inRefs.push_back(t->ref());
  for (const HostTensor *t : outs)
    outDescs.push_back(t->desc("out" + std::to_string(outDescs.size()))),
        outRefs.push_back(t->ref());
  std::unique_ptr<Kernel> kernel =
      createKernel(name, std::move(attrs), inDescs, outDescs);
  ThreadPool pool(threads);
  KernelContext ctx{&pool};
  kernel->prepare(inRefs, outRefs, ctx);
  kernel->run(inRefs, outRefs, ctx);
}

/// The message of the `Error` `fn` throws ("" if it throws none): for
/// comparing two backends' messages.
inline std::string messageOf(const std::function<void()> &fn) {
  try {
    fn();
  } catch (const Error &e) {
    return e.what();
  }
  return "";
}

/// Expects `fn` to throw `Error` whose message contains `needle`.
inline void expectErrorContaining(const std::function<void()> &fn,
                                  const std::string &needle) {
  try {
    fn();
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos)
        << "message: " << e.what() << "\nexpected to contain: " << needle;
    return;
  }
  ADD_FAILURE() << "expected an Error containing: " << needle;
}

/// A description of an activation `name` with (possibly symbolic) `shape`.
inline TensorDesc symbolic(const std::string &name, std::vector<Dim> shape,
                           DType dtype = DType::F32) {
  TensorDesc d;
  d.name = name, d.dtype = dtype, d.shape = std::move(shape);
  return d;
}

} // namespace shodh::testing
