//===- shodhc.cpp - The Shodh model compiler ------------------------------===//
//
// `shodhc model.mlir -o model.fb [--set k=v]... [--batch N] [--emit=mlir|fb]
// [--no-fuse] [--train] [--entry NAME] [--print-ir-after-all]
// [--target cpu] [--precision f32|f64]`: parses the
// command line, reads the source and hands it to the frontend. Errors go to
// stderr and give exit code 1; nothing is written on error.
//
//===----------------------------------------------------------------------===//
#include "frontend/Compiler.h"
#include "runtime/support/OutputFile.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <csignal>

using namespace llvm;
using mlir::shodh::EmitKind;

namespace {

cl::OptionCategory shodhcCategory("shodhc options");

cl::opt<std::string> inputPath(cl::Positional, cl::Required,
                               cl::desc("<model.mlir>"),
                               cl::cat(shodhcCategory));
cl::opt<std::string> outputPath("o", cl::desc("Output file"),
                                cl::value_desc("file"),
                                cl::cat(shodhcCategory));
cl::list<std::string>
    overrides("set",
              cl::desc("Override a hyperparameter declared by the model, "
                       "or (train.key=value) an entry of its shodh.train"),
              cl::value_desc("key=value"), cl::cat(shodhcCategory));
cl::opt<int64_t>
    batch("batch", cl::desc("Bind the batch dimension B (0: keep symbolic)"),
          cl::init(0), cl::cat(shodhcCategory));
cl::opt<EmitKind> emit(
    "emit", cl::desc("Output form"), cl::init(EmitKind::ModelFile),
    cl::values(clEnumValN(EmitKind::ModelFile, "fb", "model file (default)"),
               clEnumValN(EmitKind::Mlir, "mlir", "the final IR")),
    cl::cat(shodhcCategory));
cl::opt<bool> noFuse("no-fuse",
                     cl::desc("Skip structural fusion (spectral chains stay "
                              "unfused kernels)"),
                     cl::cat(shodhcCategory));
cl::opt<bool> train("train",
                    cl::desc("Build @train_step and @eval even if the model "
                             "has no shodh.train (default configuration)"),
                    cl::cat(shodhcCategory));
cl::opt<std::string>
    entry("entry",
          cl::desc("Compile this function of the model as its program "
                   "(default: @infer); calls between functions are inlined"),
          cl::value_desc("name"), cl::cat(shodhcCategory));
cl::opt<bool>
    printIrAfterAll("print-ir-after-all",
                    cl::desc("Print the IR after every pass to stderr"),
                    cl::cat(shodhcCategory));
cl::opt<std::string>
    precision("precision",
              cl::desc("Element type of the compiled programs: f32 (default) "
                       "or f64 (inference only; f32 weights are widened when "
                       "loaded)"),
              cl::init("f32"), cl::cat(shodhcCategory));
cl::opt<std::string> target("target",
                            cl::desc("Target recorded in the model file "
                                     "(cpu, cuda, auto)"),
                            cl::init("cpu"), cl::cat(shodhcCategory));

/// Prints "shodhc: error-message" to stderr and returns exit code 1.
int fail(const Twine &message) {
  errs() << "shodhc: " << message << "\n";
  return 1;
}

/// Checks option combinations that the parser cannot; empty if fine.
std::string checkOptions() {
  if (emit == EmitKind::ModelFile && outputPath.empty())
    return "no output file; use -o FILE (or --emit=mlir)";
  if (target != "cpu" && target != "cuda" && target != "auto")
    return "unknown target '" + target + "'; expected cpu, cuda or auto";
  if (precision != "f32" && precision != "f64")
    return "unknown precision '" + precision + "'; expected f32 or f64";
  if (precision == "f64" && train)
    return "--precision f64 compiles inference programs only; --train needs "
           "f32";
  if (batch < 0)
    return "--batch must be >= 0, got " + std::to_string(batch);
  return {};
}

/// Collects the parsed options.
mlir::shodh::CompileOptions collectOptions() {
  mlir::shodh::CompileOptions options;
  options.inputName = inputPath;
  options.outputPath = outputPath;
  options.overrides.assign(overrides.begin(), overrides.end());
  options.batch = batch;
  options.emit = emit;
  options.fuseSpectral = !noFuse;
  options.train = train;
  options.entry = entry;
  options.printIrAfterAll = printIrAfterAll;
  options.target = target;
  options.f64 = precision == "f64";
  return options;
}

} // namespace

/// Parses the command line, reads the source and compiles it.
int main(int argc, char **argv) {
  // Before InitLLVM: LLVM's own handlers (installed there) run theirs, then
  // restore and re-raise to this one, which removes `out.fb.tmp.*`.
  shodh::removeTemporariesOnSignals();
  InitLLVM init(argc, argv);
  // LLVM takes SIGXFSZ as a crash (stack dump); a file-size limit is a
  // write error that shodhc reports itself.
  std::signal(SIGXFSZ, SIG_IGN);
  cl::HideUnrelatedOptions(shodhcCategory);
  cl::ParseCommandLineOptions(argc, argv, "Shodh model compiler\n");
  if (std::string problem = checkOptions(); !problem.empty())
    return fail(problem);
  if (!outputPath.empty())
    if (shodh::Status s =
            shodh::checkNotSameFile(inputPath, outputPath, "input");
        !s.ok())
      return fail(s.message());
  ErrorOr<std::unique_ptr<MemoryBuffer>> source =
      MemoryBuffer::getFile(inputPath, /*IsText=*/true);
  if (!source)
    return fail("cannot open '" + inputPath +
                "': " + source.getError().message());
  if (failed(mlir::shodh::compileModel(std::move(*source), collectOptions())))
    return 1;
  return 0;
}
