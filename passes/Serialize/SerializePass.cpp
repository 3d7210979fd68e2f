//===- SerializePass.cpp - The --shodh-serialize pass ---------------------===//
//
// Implements --shodh-serialize: writes the module as a model file via
// ModelTranslation. The source name is the module's file location; the
// source hash covers that file's text when it can be read, else the
// module's printed form.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"
#include "passes/Serialize/ModelTranslation.h"

#include "llvm/Support/MemoryBuffer.h"

namespace mlir::shodh {
#define GEN_PASS_DEF_SHODHSERIALIZE
#include "passes/Passes.h.inc"
} // namespace mlir::shodh

using namespace mlir;
using namespace mlir::shodh;

namespace {

/// Fills the source name and text of `options` from `module`'s location.
void describeSource(ModuleOp module, TranslationOptions &options) {
  if (auto loc = dyn_cast<FileLineColLoc>(module.getLoc()))
    options.sourceName = loc.getFilename().str();
  auto buffer = llvm::MemoryBuffer::getFile(options.sourceName);
  if (!options.sourceName.empty() && buffer) {
    options.sourceText = (*buffer)->getBuffer().str();
    return;
  }
  llvm::raw_string_ostream os(options.sourceText);
  module.print(os);
}

/// The pass: translates and writes the module.
struct SerializePass : mlir::shodh::impl::ShodhSerializeBase<SerializePass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (output.empty()) {
      module.emitError("--shodh-serialize needs an output path "
                       "(--shodh-serialize=\"output=FILE\")");
      return signalPassFailure();
    }
    TranslationOptions options;
    options.target = target;
    describeSource(module, options);
    if (failed(writeModule(module, options, output)))
      signalPassFailure();
  }
};

} // namespace
