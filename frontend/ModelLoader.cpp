//===- ModelLoader.cpp - Reading models -----------------------------------===//
//
// Implements model loading: dialect registration and parsing (the parser
// verifies the module, including the shodh verifiers).
//
//===----------------------------------------------------------------------===//
#include "frontend/ModelLoader.h"
#include "dialect/ShodhOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Parser/Parser.h"

using namespace mlir;

void mlir::shodh::registerModelDialects(DialectRegistry &registry) {
  registry.insert<ShodhDialect, func::FuncDialect>();
}

OwningOpRef<ModuleOp> mlir::shodh::loadModel(llvm::SourceMgr &sourceMgr,
                                             MLIRContext &context) {
  return parseSourceFile<ModuleOp>(sourceMgr, &context);
}
