//===- ShodhInterfaces.h - Op interfaces of the shodh dialect ---*- C++ -*-===//
//
// Declares the op interfaces generated from ShodhInterfaces.td.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpDefinition.h"
#include "llvm/ADT/SmallVector.h"

namespace mlir::shodh {
/// Verifies the hyperparameter attributes of `op` (HyperparamAttrs.cpp).
LogicalResult verifyHyperparamAttrs(Operation *op);
/// E of an expert op (ExpertOpInterface::getNumExperts, ExpertOps.cpp): the
/// offsets' size minus one, else the first parameter's dim 0, else dynamic.
int64_t getExpertCount(Operation *op);
} // namespace mlir::shodh

#include "dialect/ShodhInterfaces.h.inc"
