//===- shodhc_fuzzer.cpp - libFuzzer target: the model compiler -----------===//
//
// Feeds arbitrary text to what `shodhc model.mlir -o model.fb` does
// (frontend/Compiler.cpp, compileModel), without touching the disk: parse
// with the model dialects registered (the parser verifies), run the whole
// compile pipeline (frontend/Pipeline: bind
// hyperparameters, expand repeats, infer shapes, fuse spectral chains, build
// training, canonicalize, CSE, lower, lifetimes), translate to a model
// description and serialize it to memory. Diagnostics are captured by a
// ScopedDiagnosticHandler (rendered to a string, never printed).
//
// Rejections must be diagnostics; a crash, sanitizer report, hang or exit is
// a bug. One more property is checked: a module the compiler accepts must
// give a model file that the runtime's reader and verifier accept
// (`parseModel`, `verifyModel`); otherwise the fuzzer aborts with the
// runtime's message.
//
// Compile options come from the input itself, so that they are mutated with
// it and a crashing input replays with the same flags under shodhc: every
// line starting with `// shodhc-options:` may hold `--train`, `--no-fuse`,
// `--batch N` and `--set KEY=VALUE` (unknown words are ignored). Seeds:
// models/*.mlir and the test/ .mlir files split at `// -----`, with and
// without option lines (fuzz/make-corpus.sh). See docs/reliability.md.
//
//===----------------------------------------------------------------------===//
#include "dialect/ShodhDialect.h"
#include "frontend/ModelLoader.h"
#include "frontend/Pipeline.h"
#include "passes/Serialize/ModelTranslation.h"
#include "runtime/format/ModelFile.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace mlir;

namespace {

/// The prefix of a line holding compile options.
constexpr llvm::StringLiteral kOptionsPrefix = "// shodhc-options:";

/// Adds the options of one `// shodhc-options:` line to `options`.
void parseOptionLine(llvm::StringRef line,
                     mlir::shodh::PipelineOptions &options) {
  llvm::SmallVector<llvm::StringRef> words;
  llvm::SplitString(line, words);
  for (size_t i = 0; i < words.size(); ++i) {
    llvm::StringRef word = words[i];
    if (word == "--train") {
      options.train = true;
    } else if (word == "--no-fuse") {
      options.fuseSpectral = false;
    } else if (word == "--batch" && i + 1 < words.size()) {
      int64_t batch = 0;
      // shodhc rejects a negative batch before compiling.
      if (!words[++i].getAsInteger(10, batch) && batch >= 0)
        options.batch = batch;
    } else if (word == "--set" && i + 1 < words.size()) {
      options.overrides.push_back(words[++i].str());
    }
  }
}

/// The compile options named by the `// shodhc-options:` lines of `text`.
mlir::shodh::PipelineOptions parseOptions(llvm::StringRef text) {
  mlir::shodh::PipelineOptions options;
  while (!text.empty()) {
    auto [line, rest] = text.split('\n');
    if (line.consume_front(kOptionsPrefix))
      parseOptionLine(line, options);
    text = rest;
  }
  return options;
}

/// Aborts: the compiler produced a model that the runtime rejects.
[[noreturn]] void contractViolation(const char *what,
                                    const std::string &message) {
  std::fprintf(stderr,
               "shodhc_fuzzer: the compiler accepted the input but the "
               "runtime's %s rejects its model: %s\n",
               what, message.c_str());
  std::abort();
}

/// Serializes `model` to memory and checks that the runtime accepts it.
void checkRuntimeAccepts(const ::shodh::ModelDesc &model) {
  std::vector<uint8_t> bytes;
  if (::shodh::Status s = ::shodh::serializeModel(model, bytes); !s.ok())
    contractViolation("writer", s.message());
  ::shodh::ModelDesc parsed;
  if (::shodh::Status s =
          ::shodh::parseModel(bytes.data(), bytes.size(), "fuzz.fb", parsed);
      !s.ok())
    contractViolation("reader", s.message());
  if (::shodh::Status s = ::shodh::verifyModel(parsed, "fuzz.fb"); !s.ok())
    contractViolation("verifier", s.message());
}

/// Compiles `text` like shodhc; every failure is a captured diagnostic.
void compile(llvm::StringRef text) {
  mlir::shodh::PipelineOptions options = parseOptions(text);
  DialectRegistry registry;
  mlir::shodh::registerModelDialects(registry);
  MLIRContext context(registry, MLIRContext::Threading::DISABLED);
  context.printOpOnDiagnostic(false);
  std::string rendered; // Rendering exercises the diagnostics' arguments.
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    rendered = diag.str();
    return success();
  });

  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(text, "fuzz.mlir"), llvm::SMLoc());
  OwningOpRef<ModuleOp> module = mlir::shodh::loadModel(sourceMgr, context);
  if (!module)
    return;
  // As compileModel: --train gives a model without one an empty shodh.train.
  if (options.train && !(*module)->hasAttr(mlir::shodh::kTrainAttr))
    (*module)->setAttr(mlir::shodh::kTrainAttr, DictionaryAttr::get(&context));
  PassManager pm(&context);
  mlir::shodh::buildCompilePipeline(pm, options);
  if (failed(pm.run(*module)))
    return;

  mlir::shodh::TranslationOptions translation;
  translation.sourceName = "fuzz.mlir";
  translation.sourceText = text.str();
  ::shodh::ModelDesc model;
  if (failed(mlir::shodh::translateToModelDesc(*module, translation, model)))
    return;
  checkRuntimeAccepts(model);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  compile(llvm::StringRef(reinterpret_cast<const char *>(data), size));
  return 0;
}
