//===- shodh-opt.cpp - Optimizer driver for the shodh dialect -------------===//
//
// MlirOptMain with the shodh and func dialects, the shodh passes and MLIR's
// generic transforms (canonicalize, cse, ...) registered. Used by lit tests.
//
//===----------------------------------------------------------------------===//
#include "dialect/ShodhOps.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

/// Registers the dialects and passes, then runs MlirOptMain.
int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  registry.insert<mlir::shodh::ShodhDialect, mlir::func::FuncDialect>();
  mlir::shodh::registerShodhPasses();
  mlir::registerTransformsPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Shodh optimizer driver\n", registry));
}
