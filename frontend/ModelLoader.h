//===- ModelLoader.h - Reading models ---------------------------*- C++ -*-===//
//
// Parses and verifies `.mlir` models. Diagnostics carry source locations
// ("file:line:col: error: ...") through a SourceMgr handler installed by the
// caller.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/SourceMgr.h"

namespace mlir::shodh {

/// Registers every dialect a model may use (shodh, func).
void registerModelDialects(DialectRegistry &registry);

/// Parses and verifies the main buffer of `sourceMgr`; returns null after
/// reporting errors through the context's diagnostic handler.
OwningOpRef<ModuleOp> loadModel(llvm::SourceMgr &sourceMgr,
                                MLIRContext &context);

} // namespace mlir::shodh
