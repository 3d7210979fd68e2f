//===- Losses.h - The CPU loss kernels and their gradients ----------------===//
//
// Contract (all f32; p = prediction, t = target of the same shape):
//   mse_loss         (p, t)           -> loss   loss = sum (p - t)^2 / numel
//   mse_loss_grad    (p, t[, dloss])  -> dp     dp = dloss * 2 (p - t) / numel
//   rel_l2_loss      (p, t)           -> loss   loss = (1/B) sum_b ||p_b -
//   t_b|| / ||t_b|| rel_l2_loss_grad (p, t[, dloss])  -> dp     dp_b = dloss
//   (p_b - t_b) / (B ||p_b - t_b|| ||t_b||)
//   mean_square      (x)              -> loss   loss = sum x^2 / numel
//   mean_square_grad (x, dloss)       -> dx     dx = dloss * 2 x / numel
// `loss` and the optional upstream gradient `dloss` (1 when absent) have
// shape [] or [1]. For rel_l2, B = dim 0 of p (rank >= 1) and p_b is sample
// b (all elements with index b in dim 0); ||t_b|| is taken as 1 when
// sum t_b^2 = 0 (the sample's term is then its absolute error), and dp_b = 0
// when ||p_b - t_b|| = 0. No gradient flows to t. Empty p gives a NaN loss
// (0/0, like PyTorch's mean of nothing).
//
// Sums are accumulated in double over fixed blocks (BlockedSum.h) and the
// per-element gradients computed in double, then rounded to f32: results do
// not depend on the thread count. dp may be the same buffer as p or t.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"

#include <memory>

namespace shodh {

/// Creates a mean_square kernel; throws `Error` naming the call if invalid.
std::unique_ptr<Kernel> makeMeanSquareKernel(const KernelSignature &sig);
/// Creates a mean_square_grad kernel; throws `Error` naming the call if
/// invalid.
std::unique_ptr<Kernel> makeMeanSquareGradKernel(const KernelSignature &sig);
/// Creates an mse_loss kernel; throws `Error` naming the call if invalid.
std::unique_ptr<Kernel> makeMseLossKernel(const KernelSignature &sig);
/// Creates an mse_loss_grad kernel; throws `Error` naming the call if invalid.
std::unique_ptr<Kernel> makeMseLossGradKernel(const KernelSignature &sig);
/// Creates a rel_l2_loss kernel; throws `Error` naming the call if invalid.
std::unique_ptr<Kernel> makeRelL2LossKernel(const KernelSignature &sig);
/// Creates a rel_l2_loss_grad kernel; throws `Error` naming the call if
/// invalid.
std::unique_ptr<Kernel> makeRelL2LossGradKernel(const KernelSignature &sig);

} // namespace shodh
