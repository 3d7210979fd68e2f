//===- KernelHarness.h - Running one registered kernel in a test ----------===//
//
// Builds a KernelSignature from static shapes, creates the kernel from the
// built-in registry, prepares and runs it on caller-owned buffers.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/AlignedBuffer.h"
#include "runtime/core/Kernel.h"
#include "runtime/core/ScratchPool.h"
#include "runtime/core/ThreadPool.h"

#include <complex>
#include <new>
#include <vector>

namespace shodh::testing {

/// std::allocator aligned as the runtime aligns every tensor
/// (kTensorAlignment): kernels take faster paths on aligned data (e.g.
/// SmallGemm's streaming stores), and the tests must reach them.
template <class T>
struct TensorAllocator {
  using value_type = T;
  TensorAllocator() = default;
  template <class U>
  TensorAllocator(const TensorAllocator<U> &) {}
  T *allocate(size_t n) {
    return static_cast<T *>(::operator new(n * sizeof(T), std::align_val_t(kTensorAlignment)));
  }
  void deallocate(T *p, size_t) { ::operator delete(p, std::align_val_t(kTensorAlignment)); }
  template <class U>
  bool operator==(const TensorAllocator<U> &) const { return true; }
  template <class U>
  bool operator!=(const TensorAllocator<U> &) const { return false; }
};

/// Floats in TensorAllocator's storage.
using TensorFloats = std::vector<float, TensorAllocator<float>>;

/// A test tensor: dtype, shape and owned storage (floats; complex = 2
/// floats), aligned as the runtime's.
struct Buffer {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  TensorFloats data;

  static Buffer make(DType t, std::vector<int64_t> shape) {
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    return Buffer{t, shape, TensorFloats(size_t(n) * (t == DType::C64 ? 2 : 1))};
  }
  std::complex<float> *complex() { return reinterpret_cast<std::complex<float> *>(data.data()); }
  TensorRef ref() { return TensorRef{dtype, shape, data.data()}; }
};

/// Creates, prepares and runs kernel `name` once.
inline void runKernel(const std::string &name, std::vector<NamedAttr> attrs,
                      std::vector<Buffer *> ins, std::vector<Buffer *> outs, int threads = 2,
                      ScratchPool *scratch = nullptr) {
  KernelCall call{name, {}, {}, std::move(attrs)};
  std::vector<TensorDesc> descs;
  for (Buffer *b : ins)
    descs.push_back(TensorDesc{"in" + std::to_string(descs.size()), b->dtype, {}});
  for (Buffer *b : outs)
    descs.push_back(TensorDesc{"out" + std::to_string(descs.size()), b->dtype, {}});
  std::vector<Buffer *> all = ins;
  all.insert(all.end(), outs.begin(), outs.end());
  for (size_t i = 0; i < all.size(); ++i)
    for (int64_t d : all[i]->shape)
      descs[i].shape.push_back(Dim::fixed(d));
  KernelSignature sig{&call, {}, {}, "test call (" + name + ")"};
  for (size_t i = 0; i < descs.size(); ++i)
    (i < ins.size() ? sig.inputs : sig.outputs).push_back(&descs[i]);
  const KernelFactory *f = KernelRegistry::builtin().find(name, Backend::Cpu);
  if (!f)
    throw Error("kernel not registered: " + name);
  std::unique_ptr<Kernel> k = (*f)(sig);
  ThreadPool pool(threads);
  KernelContext ctx{&pool, nullptr, scratch};
  std::vector<TensorRef> inRefs, outRefs;
  for (Buffer *b : ins)
    inRefs.push_back(b->ref());
  for (Buffer *b : outs)
    outRefs.push_back(b->ref());
  k->prepare(inRefs, outRefs, ctx);
  k->run(inRefs, outRefs, ctx);
}

} // namespace shodh::testing
