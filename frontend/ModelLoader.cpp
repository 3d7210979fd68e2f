//===- ModelLoader.cpp - Reading models -----------------------------------===//
//
// Implements model loading: dialect registration and parsing (the parser
// verifies the module, including the shodh verifiers). Before parsing, the
// text's bracket nesting is bounded: MLIR's recursive-descent parser
// overflows the stack at a few thousand levels (found by
// fuzz/shodhc_fuzzer; fuzz/known-issues/mlir-parser-deep-nesting.mlir).
//
//===----------------------------------------------------------------------===//
#include "frontend/ModelLoader.h"
#include "dialect/ShodhOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"

using namespace mlir;

namespace {

/// The deepest bracket nesting accepted; models need a few dozen levels.
constexpr int kMaxNesting = 1000;

/// Returns the offset of the first bracket of `text` (outside comments and
/// strings) that opens level kMaxNesting + 1 of `( [ { <` nesting, or npos.
size_t findTooDeepBracket(llvm::StringRef text) {
  int depth = 0;
  for (size_t i = 0, n = text.size(); i < n; ++i) {
    char c = text[i];
    if (c == '/' && text.substr(i).starts_with("//")) {
      i = std::min(text.find('\n', i), n);
    } else if (c == '"') {
      for (++i; i < n && text[i] != '"'; ++i)
        if (text[i] == '\\')
          ++i;
    } else if (c == '-' && text.substr(i).starts_with("->")) {
      ++i; // An arrow, not a closing bracket.
    } else if (c == '(' || c == '[' || c == '{' || c == '<') {
      if (++depth > kMaxNesting)
        return i;
    } else if ((c == ')' || c == ']' || c == '}' || c == '>') && depth > 0) {
      --depth;
    }
  }
  return llvm::StringRef::npos;
}

/// Reports brackets nested too deeply in the main buffer of `sourceMgr`.
LogicalResult checkNesting(llvm::SourceMgr &sourceMgr, MLIRContext &context) {
  const llvm::MemoryBuffer *buffer =
      sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
  llvm::StringRef text = buffer->getBuffer();
  size_t deep = findTooDeepBracket(text);
  if (deep == llvm::StringRef::npos)
    return success();
  auto [line, column] = sourceMgr.getLineAndColumn(
      llvm::SMLoc::getFromPointer(text.data() + deep));
  Location loc = FileLineColLoc::get(&context, buffer->getBufferIdentifier(),
                                     line, column);
  return emitError(loc) << "brackets nested deeper than " << kMaxNesting
                        << " levels; the parser supports no more";
}

} // namespace

void mlir::shodh::registerModelDialects(DialectRegistry &registry) {
  registry.insert<ShodhDialect, func::FuncDialect>();
}

OwningOpRef<ModuleOp> mlir::shodh::loadModel(llvm::SourceMgr &sourceMgr,
                                             MLIRContext &context) {
  if (failed(checkNesting(sourceMgr, context)))
    return nullptr;
  return parseSourceFile<ModuleOp>(sourceMgr, &context);
}
