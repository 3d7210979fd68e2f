//===- IntExpr.cpp - Integer expressions over hyperparameters -------------===//
//
// A recursive-descent evaluator for the grammar in IntExpr.h. It evaluates
// while it parses, with overflow-checked 64-bit arithmetic and at most 256
// nested parentheses, and stops at the first error.
//
//===----------------------------------------------------------------------===//
#include "dialect/IntExpr.h"
#include "dialect/Hyperparams.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::shodh;

bool mlir::shodh::isIntExprName(StringRef text) {
  if (text.empty() || !(llvm::isAlpha(text.front()) || text.front() == '_'))
    return false;
  return llvm::all_of(text.drop_front(),
                      [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

namespace {

/// Evaluates one expression; every method returns failure after reporting.
class IntExprEvaluator {
public:
  /// Prepares to evaluate `text`, reporting errors as "<what> (...)".
  IntExprEvaluator(function_ref<InFlightDiagnostic()> emitError, StringRef what,
                   StringRef text, DictionaryAttr hyper)
      : emitError(emitError), what(what), text(text), hyper(hyper) {}

  /// Evaluates the whole text.
  FailureOr<int64_t> evaluate() {
    FailureOr<int64_t> value = parseExpr();
    if (failed(value))
      return failure();
    skipBlanks();
    if (pos != text.size())
      return fail(pos, "unexpected '" + Twine(text[pos]) + "'");
    return value;
  }

private:
  /// Reports `problem` at column `at + 1`; always fails.
  LogicalResult fail(size_t at, const Twine &problem) {
    return emitError() << what << " (\"" << text << "\"): " << problem
                       << " at column " << (at + 1);
  }

  /// Skips blanks.
  void skipBlanks() {
    while (pos < text.size() && llvm::isSpace(text[pos]))
      ++pos;
  }

  /// Consumes `c` (after blanks) if it is next.
  bool consume(char c) {
    skipBlanks();
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }

  /// Applies `op` to `lhs` and `rhs`; `at` is the operator's position.
  FailureOr<int64_t> apply(char op, int64_t lhs, int64_t rhs, size_t at) {
    int64_t result = 0;
    bool overflow = false;
    switch (op) {
    case '+':
      overflow = llvm::AddOverflow(lhs, rhs, result);
      break;
    case '-':
      overflow = llvm::SubOverflow(lhs, rhs, result);
      break;
    case '*':
      overflow = llvm::MulOverflow(lhs, rhs, result);
      break;
    default:
      if (rhs == 0)
        return fail(at, "division by zero");
      overflow = lhs == INT64_MIN && rhs == -1;
      result = overflow ? 0 : lhs / rhs;
      break;
    }
    if (overflow)
      return fail(at, "the value overflows 64-bit integers");
    return result;
  }

  /// expr := term (('+' | '-') term)*
  FailureOr<int64_t> parseExpr() {
    FailureOr<int64_t> lhs = parseTerm();
    while (succeeded(lhs)) {
      skipBlanks();
      if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-'))
        break;
      size_t at = pos++;
      FailureOr<int64_t> rhs = parseTerm();
      if (failed(rhs))
        return failure();
      lhs = apply(text[at], *lhs, *rhs, at);
    }
    return lhs;
  }

  /// term := factor (('*' | '/') factor)*
  FailureOr<int64_t> parseTerm() {
    FailureOr<int64_t> lhs = parseFactor();
    while (succeeded(lhs)) {
      skipBlanks();
      if (pos >= text.size() || (text[pos] != '*' && text[pos] != '/'))
        break;
      size_t at = pos++;
      FailureOr<int64_t> rhs = parseFactor();
      if (failed(rhs))
        return failure();
      lhs = apply(text[at], *lhs, *rhs, at);
    }
    return lhs;
  }

  /// factor := integer | name | '(' expr ')'
  FailureOr<int64_t> parseFactor() {
    skipBlanks();
    size_t start = pos;
    if (consume('(')) {
      if (++depth > kMaxNesting)
        return fail(start, "parentheses nest deeper than " +
                               Twine(kMaxNesting) + " levels");
      FailureOr<int64_t> inner = parseExpr();
      --depth;
      if (failed(inner))
        return failure();
      if (!consume(')'))
        return fail(start, "unclosed '('");
      return inner;
    }
    if (pos < text.size() && llvm::isDigit(text[pos]))
      return parseInteger();
    if (pos < text.size() && (llvm::isAlpha(text[pos]) || text[pos] == '_'))
      return parseName();
    return fail(pos, "expected an integer, a hyperparameter name or '('");
  }

  /// Parses a decimal literal.
  FailureOr<int64_t> parseInteger() {
    size_t start = pos;
    while (pos < text.size() && llvm::isDigit(text[pos]))
      ++pos;
    int64_t value;
    if (text.slice(start, pos).getAsInteger(10, value))
      return fail(start, "the literal overflows 64-bit integers");
    return value;
  }

  /// Parses a name and looks it up as an integer hyperparameter.
  FailureOr<int64_t> parseName() {
    size_t start = pos;
    while (pos < text.size() && (llvm::isAlnum(text[pos]) || text[pos] == '_'))
      ++pos;
    StringRef name = text.slice(start, pos);
    int64_t value = 0;
    IntLookup found = lookupIntHyperparam(hyper, name, value);
    if (found == IntLookup::Missing)
      return fail(start,
                  "'" + name + "' is not a hyperparameter of the module");
    if (found == IntLookup::NotInteger)
      return fail(start, "'" + name + "' is not an integer hyperparameter");
    return value;
  }

  function_ref<InFlightDiagnostic()> emitError;
  StringRef what;
  StringRef text;
  DictionaryAttr hyper;
  /// Position of the next character.
  size_t pos = 0;
  /// Open parentheses around `pos`; bounded so that a hostile expression
  /// cannot overflow the stack of this recursive parser.
  int depth = 0;
  static constexpr int kMaxNesting = 256;
};

} // namespace

FailureOr<int64_t>
mlir::shodh::evaluateIntExpr(function_ref<InFlightDiagnostic()> emitError,
                             StringRef what, StringRef text,
                             DictionaryAttr hyper) {
  return IntExprEvaluator(emitError, what, text, hyper).evaluate();
}
