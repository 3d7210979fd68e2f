//===- CudaHarness.h - Running one kernel on the CPU and on a GPU ---------===//
//
// `runOnCuda` creates the cuda kernel `name` from the same descriptions as
// the CPU harness (CpuKernelHarness.h), uploads the inputs, prepares and
// runs it on a fresh `Device`, and downloads the outputs into host tensors.
// `SHODH_REQUIRE_CUDA_DEVICE()` skips a test (with the reason) where this
// build has no CUDA backend or no device is visible: the parity tests only
// run where a GPU exists.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "../runtime/CpuKernelHarness.h"
#include "runtime/core/Device.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

namespace shodh::testing {

/// Skips the test unless a CUDA device is usable.
#define SHODH_REQUIRE_CUDA_DEVICE()                                            \
  do {                                                                         \
    ::shodh::CudaProbe probe_ = ::shodh::probeCuda();                          \
    if (probe_.devices == 0)                                                   \
      GTEST_SKIP() << "no CUDA device: " << probe_.reason;                     \
  } while (0)

/// A cuda kernel made once from (possibly symbolic) descriptions and then
/// prepared and run on concrete tensors any number of times, as a session
/// runs one call: each `run` prepares for the shapes given (a kernel must
/// follow a changed batch) and runs once.
class PreparedKernel {
public:
  PreparedKernel(const std::string &name, std::vector<NamedAttr> attrs,
                 std::vector<TensorDesc> ins, std::vector<TensorDesc> outs)
      : call_{name, {}, {}, std::move(attrs)}, ins_(std::move(ins)),
        outs_(std::move(outs)) {
    KernelSignature sig{
        &call_, {}, {}, "program 'test', call 0 (" + name + ")"};
    for (const TensorDesc &d : ins_)
      sig.inputs.push_back(&d);
    for (const TensorDesc &d : outs_)
      sig.outputs.push_back(&d);
    const KernelFactory *f =
        KernelRegistry::builtin().find(name, Backend::Cuda);
    if (!f)
      throw Error("no cuda kernel " + name);
    kernel_ = (*f)(sig);
  }

  /// Uploads `ins` and `outs` (outputs start from their host contents),
  /// prepares, runs, and downloads into `outs`.
  void run(Device &device, const std::vector<const HostTensor *> &ins,
           const std::vector<const HostTensor *> &outs) {
    std::vector<DeviceBuffer> buffers;
    buffers.reserve(ins.size() + outs.size());
    std::vector<TensorRef> inRefs, outRefs;
    auto place = [&](const HostTensor *t, std::vector<TensorRef> &refs) {
      buffers.emplace_back(t->storage.size(), device);
      buffers.back().upload(t->storage.data(), t->storage.size(), device);
      refs.push_back(TensorRef{t->dtype, t->shape, buffers.back().data()});
    };
    for (const HostTensor *t : ins)
      place(t, inRefs);
    for (const HostTensor *t : outs)
      place(t, outRefs);
    KernelContext ctx{nullptr, &device};
    kernel_->prepare(inRefs, outRefs, ctx);
    kernel_->run(inRefs, outRefs, ctx);
    device.synchronize();
    for (size_t i = 0; i < outs.size(); ++i)
      buffers[ins.size() + i].download(outs[i]->storage.data(),
                                       outs[i]->storage.size(), device);
  }

private:
  KernelCall call_;
  std::vector<TensorDesc> ins_, outs_;
  std::unique_ptr<Kernel> kernel_;
};

/// Creates, prepares and runs cuda kernel `name` once on a fresh `Device`;
/// `outs` receive the results (their initial host contents are uploaded
/// first, so in-place style outputs start from known values).
inline void runOnCuda(const std::string &name, std::vector<NamedAttr> attrs,
                      const std::vector<const HostTensor *> &ins,
                      const std::vector<const HostTensor *> &outs) {
  Device device(0);
  std::vector<TensorDesc> inDescs, outDescs;
  for (const HostTensor *t : ins)
    inDescs.push_back(t->desc("in" + std::to_string(inDescs.size())));
  for (const HostTensor *t : outs)
    outDescs.push_back(t->desc("out" + std::to_string(outDescs.size())));
  PreparedKernel kernel(name, std::move(attrs), std::move(inDescs),
                        std::move(outDescs));
  kernel.run(device, ins, outs);
}

/// A copy of `t` (same dtype, shape and bytes).
inline HostTensor cloneTensor(const HostTensor &t) {
  HostTensor c(t.dtype, t.shape);
  if (t.storage.size())
    std::memcpy(c.storage.data(), t.storage.data(), t.storage.size());
  return c;
}

/// Expects every f32 element of `got` within `rtol * max(1, |want|)` of
/// `want` (rtol 0: bitwise equal).
inline void expectClose(const HostTensor &got, const HostTensor &want,
                        double rtol, const std::string &what) {
  ASSERT_EQ(got.numel(), want.numel()) << what;
  for (int64_t i = 0; i < got.numel(); ++i) {
    double g = got.dtype == DType::F64 ? got.f64()[i] : got.f32()[i];
    double w = want.dtype == DType::F64 ? want.f64()[i] : want.f32()[i];
    if (rtol == 0)
      ASSERT_EQ(g, w) << what << " element " << i;
    else
      ASSERT_NEAR(g, w, rtol * std::max(1.0, std::fabs(w)))
          << what << " element " << i;
  }
}

/// Expects every element within rtol * (the largest |want|) of `want`: for
/// tensors of small values (loss gradients), where expectClose's absolute
/// floor of rtol would check little.
inline void expectCloseToScale(const HostTensor &got, const HostTensor &want,
                               double rtol, const std::string &what) {
  ASSERT_EQ(got.numel(), want.numel()) << what;
  auto at = [](const HostTensor &t, int64_t i) {
    return t.dtype == DType::F64 ? t.f64()[i] : double(t.f32()[i]);
  };
  double scale = 0.0;
  for (int64_t i = 0; i < want.numel(); ++i)
    scale = std::max(scale, std::fabs(at(want, i)));
  ASSERT_GT(scale, 0.0) << what << ": the reference is all zeros";
  for (int64_t i = 0; i < got.numel(); ++i)
    ASSERT_NEAR(at(got, i), at(want, i), rtol * scale)
        << what << " element " << i << " (scale " << scale << ")";
}

} // namespace shodh::testing
