//===- ShodhOps.h - Operations of the shodh dialect -------------*- C++ -*-===//
//
// Declares the shodh operations generated from ShodhOps.td. Include this
// header to use the dialect.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "dialect/ShodhDialect.h"
#include "dialect/ShodhInterfaces.h"
#include "dialect/ShodhTraits.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "dialect/ShodhOps.h.inc"

namespace mlir::shodh {

/// The tensor type of `symbol` if it is a `shodh.param` or `shodh.state`,
/// else null.
RankedTensorType getGlobalTensorType(Operation *symbol);

/// The unfused form of a `shodh.moe` layer.
struct MoeChain {
  DispatchOp dispatch;
  Operation *expert = nullptr;
  CombineOp combine;
};

/// Builds `moe`'s dispatch -> expert -> combine chain in its place and
/// redirects its uses to the combine (the fused op is left without users);
/// fails with an error on `moe` for an expert kind it cannot expand.
FailureOr<MoeChain> expandMoe(OpBuilder &builder, MoeOp moe);

/// Checks a GELU approximation mode ("none" or "tanh") of `op`.
LogicalResult verifyGeluApproximate(Operation *op, StringRef mode);

} // namespace mlir::shodh
