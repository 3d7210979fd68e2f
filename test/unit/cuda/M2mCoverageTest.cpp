//===- M2mCoverageTest.cpp - M²M's programs have every kernel on CUDA -----===//
//
// The kernels of models/m2m.mlir's programs as compiled by `shodhc
// --train` (infer, eval and train_step, listed by `shodh-run inspect`),
// plus interpolate and its gradient, which M²M-style experts at another
// resolution use (docs/experts.md): each must have a CUDA registration, or
// `shodh-run train --device cuda` refuses the model. No device needed.
//
//===----------------------------------------------------------------------===//
#include "runtime/core/Kernel.h"

#include <gtest/gtest.h>

using namespace shodh;

namespace {

TEST(M2mCoverage, TrainStepKernelsAllHaveCudaKernels) {
  const KernelRegistry &r = KernelRegistry::builtin();
  for (const char *k : {"adam",
                        "add",
                        "allocation_kl",
                        "aux_loss_grad",
                        "combine",
                        "combine_grad",
                        "dispatch",
                        "dispatch_grad",
                        "expert_fno",
                        "expert_fno_grad",
                        "gelu",
                        "gelu_grad",
                        "linear",
                        "linear_grad_bias",
                        "linear_grad_input",
                        "linear_grad_weight",
                        "mse_loss",
                        "mse_loss_grad",
                        "patchify",
                        "pi_update",
                        "router",
                        "router_grad",
                        "router_kl_loss",
                        "router_kl_loss_grad",
                        "spectral_conv",
                        "spectral_conv_grad",
                        "spectral_energy",
                        "step_increment",
                        "top_k",
                        "top_k_grad",
                        "unpatchify",
                        "interpolate",
                        "interpolate_grad"})
    EXPECT_NE(r.find(k, Backend::Cuda), nullptr) << k;
}

} // namespace
