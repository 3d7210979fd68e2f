//===- cuda_runtime.h - The host emulator's CUDA runtime (host + device) --===//
//
// The runtime API (cuda_runtime_api.h) plus what device code needs when
// the host emulator compiles a .cu file as C++ (cudaemu/DeviceCode.h).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "cuda_runtime_api.h"
#include "cudaemu/DeviceCode.h"
