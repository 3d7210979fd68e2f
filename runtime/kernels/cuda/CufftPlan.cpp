//===- CufftPlan.cpp - Batched real cuFFT transforms in f32 and f64 -------===//
#include "runtime/kernels/cuda/CufftPlan.h"
#include "runtime/support/Status.h"

#include <cufft.h>
#include <fmt/format.h>

#include <climits>

namespace shodh::cuda {

const char *cufftStatusName(int status) {
  switch (static_cast<cufftResult>(status)) {
  case CUFFT_SUCCESS:
    return "CUFFT_SUCCESS";
  case CUFFT_INVALID_PLAN:
    return "CUFFT_INVALID_PLAN";
  case CUFFT_ALLOC_FAILED:
    return "CUFFT_ALLOC_FAILED (out of device memory)";
  case CUFFT_INVALID_TYPE:
    return "CUFFT_INVALID_TYPE";
  case CUFFT_INVALID_VALUE:
    return "CUFFT_INVALID_VALUE";
  case CUFFT_INTERNAL_ERROR:
    return "CUFFT_INTERNAL_ERROR";
  case CUFFT_EXEC_FAILED:
    return "CUFFT_EXEC_FAILED";
  case CUFFT_SETUP_FAILED:
    return "CUFFT_SETUP_FAILED";
  case CUFFT_INVALID_SIZE:
    return "CUFFT_INVALID_SIZE";
  case CUFFT_NOT_SUPPORTED:
    return "CUFFT_NOT_SUPPORTED";
  default:
    return "unknown cuFFT status";
  }
}

void checkCufft(int status, const std::string &where, const char *routine) {
  if (status != CUFFT_SUCCESS)
    throw Error(fmt::format("{}: cuFFT {} failed: {} ({})", where, routine,
                            cufftStatusName(status), status));
}

CufftPlan::CufftPlan(const std::vector<int64_t> &grid, int64_t batch, bool f64,
                     bool forward, void *stream, std::string where)
    : f64_(f64), forward_(forward), where_(std::move(where)) {
  std::vector<int> n;
  for (int64_t v : grid) {
    if (v < 1 || v > INT_MAX)
      throw Error(fmt::format("{}: grid extent {} is outside cuFFT's range "
                              "(1 to {})",
                              where_, v, INT_MAX));
    n.push_back(int(v));
  }
  if (batch > INT_MAX)
    throw Error(fmt::format("{}: {} transforms exceed cuFFT's batch limit {}",
                            where_, batch, INT_MAX));
  if (batch <= 0)
    return;
  // Leading axes of extent 1 change neither the layout nor the values:
  // planned without them, so cuFFT never sees a 1-point dimension there.
  while (n.size() > 1 && n.front() == 1)
    n.erase(n.begin());
  cufftType type = f64 ? (forward ? CUFFT_D2Z : CUFFT_Z2D)
                       : (forward ? CUFFT_R2C : CUFFT_C2R);
  cufftHandle h = 0;
  checkCufft(cufftPlanMany(&h, int(n.size()), n.data(), nullptr, 1, 0, nullptr,
                           1, 0, type, int(batch)),
             where_, "cufftPlanMany");
  cufftResult bound = cufftSetStream(h, static_cast<cudaStream_t>(stream));
  if (bound != CUFFT_SUCCESS)
    cufftDestroy(h); // the destructor does not run after a throw here
  checkCufft(bound, where_, "cufftSetStream");
  handle_ = int(h), valid_ = true;
}

CufftPlan::~CufftPlan() {
  if (valid_)
    cufftDestroy(cufftHandle(handle_));
}

void CufftPlan::execute(void *real, void *half) const {
  if (!valid_)
    return;
  auto h = cufftHandle(handle_);
  if (forward_ && f64_)
    checkCufft(cufftExecD2Z(h, static_cast<cufftDoubleReal *>(real),
                            static_cast<cufftDoubleComplex *>(half)),
               where_, "cufftExecD2Z");
  else if (forward_)
    checkCufft(cufftExecR2C(h, static_cast<cufftReal *>(real),
                            static_cast<cufftComplex *>(half)),
               where_, "cufftExecR2C");
  else if (f64_)
    checkCufft(cufftExecZ2D(h, static_cast<cufftDoubleComplex *>(half),
                            static_cast<cufftDoubleReal *>(real)),
               where_, "cufftExecZ2D");
  else
    checkCufft(cufftExecC2R(h, static_cast<cufftComplex *>(half),
                            static_cast<cufftReal *>(real)),
               where_, "cufftExecC2R");
}

} // namespace shodh::cuda
