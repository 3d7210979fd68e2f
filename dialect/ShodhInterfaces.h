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
} // namespace mlir::shodh

#include "dialect/ShodhInterfaces.h.inc"
