//===- Compiler.cpp - The shodhc driver -----------------------------------===//
//
// Implements compileModel: load with source-located diagnostics, give the
// module an empty `shodh.train` under --train (so that `--set train.*`
// overrides have a configuration to change), run the compile pipeline, then
// write the model file (via ModelTranslation) or print the final IR.
//
//===----------------------------------------------------------------------===//
#include "frontend/Compiler.h"
#include "dialect/ShodhDialect.h"
#include "frontend/ModelLoader.h"
#include "passes/Serialize/ModelTranslation.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
using namespace mlir::shodh;

namespace {

/// Runs the compile pipeline on `module`.
LogicalResult runPipeline(ModuleOp module, const CompileOptions &options) {
  PassManager pm(module.getContext());
  if (options.printIrAfterAll)
    pm.enableIRPrinting([](Pass *, Operation *) { return false; },
                        [](Pass *, Operation *) { return true; },
                        /*printModuleScope=*/true,
                        /*printAfterOnlyOnChange=*/false);
  buildCompilePipeline(pm, options);
  return pm.run(module);
}

/// Prints `module` to the output path (or stdout).
LogicalResult emitMlir(ModuleOp module, const CompileOptions &options) {
  std::string error;
  std::string path = options.outputPath.empty() ? "-" : options.outputPath;
  std::unique_ptr<llvm::ToolOutputFile> out = openOutputFile(path, &error);
  if (!out)
    return module.emitError("cannot write '") << path << "': " << error;
  module.print(out->os());
  out->os() << "\n";
  out->keep();
  return success();
}

/// Writes `module` as a model file.
LogicalResult emitModelFile(ModuleOp module, const CompileOptions &options,
                            llvm::StringRef sourceText) {
  TranslationOptions translation;
  translation.sourceName = options.inputName;
  translation.sourceText = sourceText.str();
  translation.target = options.target;
  return writeModule(module, translation, options.outputPath);
}

} // namespace

LogicalResult
mlir::shodh::compileModel(std::unique_ptr<llvm::MemoryBuffer> source,
                          const CompileOptions &options) {
  DialectRegistry registry;
  registerModelDialects(registry);
  MLIRContext context(registry);
  context.disableMultithreading();
  context.printOpOnDiagnostic(false);
  std::string sourceText = source->getBuffer().str();
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(source), llvm::SMLoc());
  SourceMgrDiagnosticHandler handler(sourceMgr, &context);

  OwningOpRef<ModuleOp> module = loadModel(sourceMgr, context);
  if (module && options.train && !(*module)->hasAttr(kTrainAttr))
    (*module)->setAttr(kTrainAttr, DictionaryAttr::get(&context));
  if (!module || failed(runPipeline(*module, options)))
    return failure();
  if (options.emit == EmitKind::Mlir)
    return emitMlir(*module, options);
  return emitModelFile(*module, options, sourceText);
}
