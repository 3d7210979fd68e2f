//===- CudaKernels.h - Registration functions of the CUDA kernel families -===//
//
// One function per family file; CudaKernels.cpp calls them all from
// `registerCudaKernels` (below). docs/cuda.md lists the kernels each
// backend has.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"

#include <cstdint>
#include <string>

namespace shodh {
/// Registers every CUDA kernel (CudaKernels.cpp); the backend's
/// `CudaRuntime::registerKernels` (CudaRuntimeImpl.cpp).
void registerCudaKernels(KernelRegistry &registry);
} // namespace shodh

namespace shodh::cuda {

/// add, mul, copy, gelu, gelu_grad (ElementwiseKernels.cpp).
void registerCudaElementwiseKernels(KernelRegistry &registry);
/// linear, linear_grad_{input,weight,bias} (LinearKernels.cpp).
void registerCudaLinearKernels(KernelRegistry &registry);
/// Y_n = W X_n (+ beta Y_n) for n < outer, X_n [cin x inner], Y_n
/// [cout x inner] row-major, W [cout x cin], as one strided-batched cuBLAS
/// GEMM on `blas` (a cublasHandle_t): the `linear` kernel's product when the
/// channel axis is not the last, also the fused Fourier layer's skip
/// (SpectralKernels.cpp). Sizes must fit cuBLAS's ints (checkBlasDims).
void linearColumnProducts(void *blas, const float *x, const float *w, float *y,
                          int64_t outer, int64_t inner, int64_t cin, int64_t cout,
                          float beta, const std::string &where);
/// dX_n = W^T dY_n (+ beta dX_n) for n < outer, dY_n [cout x inner], dX_n
/// [cin x inner] row-major, W [cout x cin], as one strided-batched cuBLAS
/// GEMM: linear_grad_input's product when the channel axis is not the last,
/// also the fused Fourier layer gradient's skip (SpectralGradKernels.cpp).
void linearColumnAdjoints(void *blas, const float *dy, const float *w, float *dx,
                          int64_t outer, int64_t inner, int64_t cin, int64_t cout,
                          float beta, const std::string &where);
/// dW = sum_n dY_n X_n^T for n < outer (outer, inner, cin, cout >= 1), X_n
/// [cin x inner], dY_n [cout x inner] row-major, dW [cout x cin], one
/// cuBLAS GEMM per n in order (beta 0, then 1): linear_grad_weight's
/// product when the channel axis is not the last, also the fused layer
/// gradient's skip weight gradient (SpectralGradKernels.cpp).
void linearColumnWeightGrad(void *blas, const float *x, const float *dy,
                            float *dw, int64_t outer, int64_t inner,
                            int64_t cin, int64_t cout,
                            const std::string &where);
/// channel_mlp, channel_mlp_grad, channel_mlp_mse_grad (ChannelMlpKernels.cpp).
void registerCudaChannelMlpKernels(KernelRegistry &registry);
/// Sets the most bytes of one channel-MLP hidden scratch tensor for kernels
/// prepared afterwards (default 256 MiB; tests set less to run several
/// chunks); returns the previous value.
int64_t setChannelMlpChunkBytes(int64_t bytes);
/// mse_loss(_grad), rel_l2_loss(_grad) (LossKernels.cpp).
void registerCudaLossKernels(KernelRegistry &registry);
/// adam, clip_by_norm, grad_global_norm, step_increment (OptimKernels.cpp).
void registerCudaOptimKernels(KernelRegistry &registry);
/// spectral_conv (SpectralKernels.cpp).
void registerCudaSpectralKernels(KernelRegistry &registry);
/// spectral_conv_grad_input, spectral_conv_grad_weight, spectral_conv_grad
/// (SpectralGradKernels.cpp).
void registerCudaSpectralGradKernels(KernelRegistry &registry);
/// rfft, irfft, spectral_truncate, spectral_pad, spectral_contract
/// (UnfusedSpectralKernels.cpp).
void registerCudaUnfusedSpectralKernels(KernelRegistry &registry);
/// rfft_grad, irfft_grad, spectral_contract_grad_input,
/// spectral_contract_grad_weight (UnfusedSpectralGradKernels.cpp).
void registerCudaUnfusedSpectralGradKernels(KernelRegistry &registry);
/// div_free_project, divergence, divergence_grad, curl (PhysicsKernels.cpp).
void registerCudaPhysicsKernels(KernelRegistry &registry);
/// layer_norm, layer_norm_grad_{input,gamma} (LayerNormKernels.cpp).
void registerCudaLayerNormKernels(KernelRegistry &registry);
/// patchify, unpatchify, reshape (PatchCopyKernels.cpp).
void registerCudaPatchKernels(KernelRegistry &registry);
/// router, router_grad, top_k, top_k_grad (RouterKernels.cpp).
void registerCudaRouterKernels(KernelRegistry &registry);
/// dispatch, dispatch_grad, combine, combine_grad (RaggedKernels.cpp).
void registerCudaRaggedKernels(KernelRegistry &registry);
/// load_balance_loss, router_z_loss, router_kl_loss and their _grad
/// (RouterLossKernels.cpp).
void registerCudaRouterLossKernels(KernelRegistry &registry);
/// spectral_energy (SpectralEnergyKernels.cpp).
void registerCudaSpectralEnergyKernels(KernelRegistry &registry);
/// expert_mlp, expert_mlp_grad (ExpertMlpKernels.cpp).
void registerCudaExpertKernels(KernelRegistry &registry);
/// expert_fno, expert_fno_grad (ExpertFnoKernels.cpp).
void registerCudaExpertFnoKernels(KernelRegistry &registry);
/// aux_loss_grad, allocation_kl (AuxKernels.cpp).
void registerCudaAuxKernels(KernelRegistry &registry);
/// attention, attention_heads, attention_heads_grad (AttentionKernels.cpp).
void registerCudaAttentionKernels(KernelRegistry &registry);
/// moe (MoeKernels.cpp: dispatch, expert_mlp or expert_fno, combine on the
/// device).
void registerCudaMoeKernels(KernelRegistry &registry);
/// conv, conv_transpose, conv_grad_input, conv_grad_weight (ConvKernels.cpp).
void registerCudaConvKernels(KernelRegistry &registry);
/// interpolate, interpolate_grad (InterpolateKernels.cpp).
void registerCudaInterpolateKernels(KernelRegistry &registry);
/// pi_update (PiUpdateKernels.cpp).
void registerCudaPiUpdateKernels(KernelRegistry &registry);

} // namespace shodh::cuda
