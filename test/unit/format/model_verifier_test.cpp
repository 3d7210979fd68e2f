//===- model_verifier_test.cpp - Every rule of verifyModel ----------------===//
//
// Starts from the valid sample model, breaks one rule at a time and checks
// the message names the file, the tensor/program/call and the problem. Also
// tests the verifier's helpers (symbol names, overflow-checked byte sizes).
//
//===----------------------------------------------------------------------===//
#include "runtime/format/ModelFile.h"
#include "runtime/format/ModelVerifier.h"
#include "test_models.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <functional>

namespace shodh {
namespace {

using ::testing::HasSubstr;
using testing::makeSampleModel;

/// The error `verifyModel` reports for the sample model after `mutate`.
std::string errorAfter(const std::function<void(ModelDesc &)> &mutate) {
  ModelDesc m = makeSampleModel();
  mutate(m);
  return verifyModel(m, "m.fb").message();
}

/// The program named `name` of `m`.
ProgramDesc &program(ModelDesc &m, const std::string &name) {
  for (ProgramDesc &p : m.programs)
    if (p.name == name)
      return p;
  throw std::runtime_error("no program " + name);
}

/// The lifetime entry of tensor `id` in `p`.
Lifetime &lifetimeOf(ProgramDesc &p, int32_t id) {
  for (Lifetime &l : p.lifetimes)
    if (l.tensor == id)
      return l;
  throw std::runtime_error("no lifetime");
}

/// A tensor with the given type and shape, for the size helpers.
TensorDesc shaped(DType dtype, std::vector<Dim> shape) {
  TensorDesc t;
  t.dtype = dtype;
  t.shape = std::move(shape);
  return t;
}

// ---- Helpers -------------------------------------------------------------

TEST(VerifierHelpersTest, ValidSymbols) {
  EXPECT_TRUE(format::isValidSymbol("B"));
  EXPECT_TRUE(format::isValidSymbol("_n0"));
  EXPECT_TRUE(format::isValidSymbol("batch_size"));
  EXPECT_FALSE(format::isValidSymbol(""));
  EXPECT_FALSE(format::isValidSymbol("0B"));
  EXPECT_FALSE(format::isValidSymbol("B-1"));
  EXPECT_FALSE(format::isValidSymbol("n m"));
  EXPECT_FALSE(format::isValidSymbol("é"));
}

TEST(VerifierHelpersTest, StaticByteSize) {
  EXPECT_EQ(format::staticByteSize(shaped(DType::F32, {})), 4u);
  EXPECT_EQ(format::staticByteSize(
                shaped(DType::C128, {Dim::fixed(3), Dim::fixed(5)})),
            240u);
  // Symbolic dimensions count as 1: the static part of the size.
  EXPECT_EQ(format::staticByteSize(
                shaped(DType::F64, {Dim::named("B"), Dim::fixed(7)})),
            56u);
  EXPECT_EQ(format::staticByteSize(
                shaped(DType::F32, {Dim::fixed(0), Dim::fixed(9)})),
            0u);
  EXPECT_EQ(format::staticByteSize(shaped(DType::F32, {Dim::fixed(-5)})),
            std::nullopt);
}

TEST(VerifierHelpersTest, StaticByteSizeLimitAndOverflow) {
  const int64_t big = int64_t(1) << 46;
  EXPECT_EQ(format::staticByteSize(shaped(DType::F32, {Dim::fixed(big)})),
            uint64_t(1) << 48);
  EXPECT_EQ(format::staticByteSize(shaped(DType::F32, {Dim::fixed(big + 1)})),
            std::nullopt);
  EXPECT_EQ(format::staticByteSize(shaped(DType::F64, {Dim::fixed(big)})),
            std::nullopt);
  // The product overflows 64 bits; must be detected, not wrapped.
  const int64_t huge = int64_t(1) << 62;
  EXPECT_EQ(format::staticByteSize(
                shaped(DType::I32, {Dim::fixed(huge), Dim::fixed(huge)})),
            std::nullopt);
  EXPECT_EQ(format::staticByteSize(shaped(DType::I32, {Dim::fixed(INT64_MAX)})),
            std::nullopt);
  // A zero dimension makes the tensor empty, whatever the others are.
  EXPECT_EQ(
      format::staticByteSize(shaped(
          DType::I32, {Dim::fixed(huge), Dim::fixed(huge), Dim::fixed(0)})),
      0u);
}

TEST(VerifierHelpersTest, FormatShapeAndLabels) {
  EXPECT_EQ(format::formatShape({}), "[]");
  EXPECT_EQ(format::formatShape({Dim::named("B"), Dim::fixed(64)}), "[B, 64]");
  ModelDesc m = makeSampleModel();
  EXPECT_EQ(format::tensorLabel(m, 1), "'w'");
  EXPECT_EQ(format::tensorLabel(m, 99), "#99");
}

// ---- Valid models ----------------------------------------------------------

TEST(ModelVerifierTest, SampleIsValid) {
  EXPECT_EQ(errorAfter([](ModelDesc &) {}), "");
}

TEST(ModelVerifierTest, EmptyModelIsValid) {
  EXPECT_TRUE(verifyModel(ModelDesc{}, "m.fb").ok());
}

TEST(ModelVerifierTest, IdentityProgramIsValid) {
  EXPECT_EQ(errorAfter([](ModelDesc &m) {
              m.programs.push_back(
                  ProgramDesc{"identity", {0}, {0}, {}, {{0, 0, 0}}});
            }),
            "");
}

TEST(ModelVerifierTest, PersistentOutputsNeedNoLifetime) {
  EXPECT_EQ(errorAfter([](ModelDesc &m) {
              program(m, "train_step").outputs.push_back(1);
            }),
            "");
}

TEST(ModelVerifierTest, LargestAllowedTensor) {
  EXPECT_EQ(errorAfter([](ModelDesc &m) {
              m.tensors[7].shape = {Dim::fixed(int64_t(1) << 46)};
            }),
            "");
}

// ---- Tensors ---------------------------------------------------------------

TEST(ModelVerifierTest, TensorNames) {
  EXPECT_EQ(errorAfter([](ModelDesc &m) { m.tensors[3].name = ""; }),
            "'m.fb': tensor 3 has an empty name");
  EXPECT_EQ(errorAfter([](ModelDesc &m) { m.tensors[3].name = "x"; }),
            "'m.fb': tensor name 'x' is used twice (tensor 0 and 3)");
}

TEST(ModelVerifierTest, UnknownEnums) {
  EXPECT_EQ(errorAfter([](ModelDesc &m) {
              m.tensors[3].dtype = static_cast<DType>(77);
            }),
            "'m.fb': tensor 'h' has unknown dtype 77");
  EXPECT_EQ(errorAfter([](ModelDesc &m) {
              m.tensors[3].role = static_cast<TensorRole>(9);
            }),
            "'m.fb': tensor 'h' has unknown role 9");
}

TEST(ModelVerifierTest, Dimensions) {
  EXPECT_EQ(errorAfter([](ModelDesc &m) {
              m.tensors[0].shape[0] = Dim{4, "B"};
            }),
            "'m.fb': tensor 'x' dimension 0 has both size 4 and symbol 'B'");
  EXPECT_EQ(errorAfter([](ModelDesc &m) {
              m.tensors[0].shape[1] = Dim{-2, ""};
            }),
            "'m.fb': tensor 'x' dimension 1 has invalid size -2");
  EXPECT_EQ(
      errorAfter([](ModelDesc &m) { m.tensors[0].shape[0] = Dim::named(""); }),
      "'m.fb': tensor 'x' dimension 0 is symbolic but '' is not a valid symbol "
      "name");
  EXPECT_THAT(errorAfter([](ModelDesc &m) {
                m.tensors[0].shape[0] = Dim::named("2B");
              }),
              HasSubstr("'2B' is not a valid symbol name"));
}

TEST(ModelVerifierTest, TooLargeTensors) {
  EXPECT_EQ(errorAfter([](ModelDesc &m) {
              m.tensors[3].shape = {Dim::named("B"),
                                    Dim::fixed(int64_t(1) << 30),
                                    Dim::fixed(int64_t(1) << 20)};
            }),
            "'m.fb': tensor 'h' [B, 1073741824, 1048576] is too large (more "
            "than 2^48 bytes)");
  EXPECT_THAT(
      errorAfter([](ModelDesc &m) {
        m.tensors[7].shape = {Dim::fixed(INT64_MAX), Dim::fixed(INT64_MAX)};
      }),
      HasSubstr("tensor 'grad_w' [9223372036854775807, 9223372036854775807] is "
                "too large"));
}

TEST(ModelVerifierTest, PersistentTensorsNeedStaticShapes) {
  EXPECT_EQ(
      errorAfter([](ModelDesc &m) { m.tensors[1].shape[0] = Dim::named("B"); }),
      "'m.fb': tensor 'w' is a parameter but has the symbolic shape [B, 16]; "
      "persistent "
      "tensors need static shapes");
  EXPECT_THAT(
      errorAfter([](ModelDesc &m) { m.tensors[5].shape = {Dim::named("N")}; }),
      HasSubstr("tensor 'step' is a state but has the symbolic shape [N]"));
  EXPECT_THAT(
      errorAfter([](ModelDesc &m) { m.tensors[6].shape = {Dim::named("K")}; }),
      HasSubstr("tensor 'modes' is a constant but has the symbolic shape [K]"));
}

TEST(ModelVerifierTest, DataNeedsStaticShape) {
  EXPECT_EQ(errorAfter([](ModelDesc &m) {
              m.tensors[3].data = DataRef{0, 64};
            }),
            "'m.fb': tensor 'h' has data but the symbolic shape [B, 64, 16]");
}

TEST(ModelVerifierTest, DataAlignment) {
  EXPECT_EQ(errorAfter([](ModelDesc &m) { m.tensors[2].data->offset = 224; }),
            "'m.fb': tensor 'b': data offset 224 is not a multiple of 64");
}

TEST(ModelVerifierTest, DataRange) {
  EXPECT_EQ(errorAfter([](ModelDesc &m) { m.tensors[2].data->offset = 320; }),
            "'m.fb': tensor 'b': data range [320, +64) is outside the data "
            "section (288 bytes)");
  EXPECT_EQ(errorAfter([](ModelDesc &m) { m.tensors[6].data->size = 64; }),
            "'m.fb': tensor 'modes': data range [256, +64) is outside the data "
            "section "
            "(288 bytes)");
  // offset + size wraps around 2^64: still outside.
  EXPECT_THAT(errorAfter([](ModelDesc &m) {
                m.tensors[6].data = DataRef{~uint64_t(63), 128};
              }),
              HasSubstr("is outside the data section"));
  EXPECT_THAT(errorAfter([](ModelDesc &m) {
                m.tensors[6].data = DataRef{64, ~uint64_t(0)};
              }),
              HasSubstr("is outside the data section"));
}

TEST(ModelVerifierTest, DataSize) {
  EXPECT_EQ(errorAfter([](ModelDesc &m) { m.tensors[2].data->size = 60; }),
            "'m.fb': tensor 'b': data is 60 bytes but [16] f32 needs 64");
  EXPECT_EQ(
      errorAfter([](ModelDesc &m) { m.tensors[6].dtype = DType::C128; }),
      "'m.fb': tensor 'modes': data is 32 bytes but [4] complex<f64> needs 64");
}

// ---- Names of hyperparameters and programs ---------------------------------

TEST(ModelVerifierTest, HyperparamNames) {
  EXPECT_EQ(errorAfter([](ModelDesc &m) { m.meta.hyperparams[1].name = ""; }),
            "'m.fb': hyperparameter 1 has an empty name");
  EXPECT_EQ(errorAfter([](ModelDesc &m) { m.meta.hyperparams[4].name = "lr"; }),
            "'m.fb': hyperparameter name 'lr' is used twice (hyperparameter 1 "
            "and 4)");
}

TEST(ModelVerifierTest, ProgramNames) {
  EXPECT_EQ(errorAfter([](ModelDesc &m) { m.programs[1].name = ""; }),
            "'m.fb': program 1 has an empty name");
  EXPECT_EQ(errorAfter([](ModelDesc &m) { m.programs[1].name = "infer"; }),
            "'m.fb': program name 'infer' is used twice (program 0 and 1)");
}

// ---- Program operands
// --------------------------------------------------------

TEST(ModelVerifierTest, OperandIdsInRange) {
  EXPECT_EQ(errorAfter([](ModelDesc &m) { program(m, "infer").inputs = {9}; }),
            "'m.fb': program 'infer': input 0 refers to tensor 9, but the "
            "model has 8 tensors");
  EXPECT_EQ(
      errorAfter([](ModelDesc &m) { program(m, "infer").outputs = {-1}; }),
      "'m.fb': program 'infer': output 0 refers to tensor -1, but the model "
      "has 8 tensors");
  EXPECT_EQ(errorAfter([](ModelDesc &m) {
              program(m, "infer").calls[1].inputs[1] = 100;
            }),
            "'m.fb': program 'infer', call 1 (gelu) input 1 refers to tensor "
            "100, but the "
            "model has 8 tensors");
  EXPECT_EQ(errorAfter([](ModelDesc &m) {
              program(m, "infer").calls[0].outputs[0] = 8;
            }),
            "'m.fb': program 'infer', call 0 (linear) output 0 refers to "
            "tensor 8, but the model "
            "has 8 tensors");
  EXPECT_EQ(errorAfter([](ModelDesc &m) {
              program(m, "infer").lifetimes[2].tensor = -7;
            }),
            "'m.fb': program 'infer': lifetime 2 refers to tensor -7, but the "
            "model has 8 "
            "tensors");
}

TEST(ModelVerifierTest, ProgramInputs) {
  EXPECT_EQ(
      errorAfter([](ModelDesc &m) {
        program(m, "infer").inputs = {0, 3};
      }),
      "'m.fb': program 'infer': input 'h' has role activation, not input");
  EXPECT_EQ(errorAfter([](ModelDesc &m) {
              program(m, "infer").inputs = {0, 0};
            }),
            "'m.fb': program 'infer' lists input 'x' twice");
}

TEST(ModelVerifierTest, CallKernelAndAttrs) {
  EXPECT_EQ(errorAfter(
                [](ModelDesc &m) { program(m, "infer").calls[1].kernel = ""; }),
            "'m.fb': program 'infer', call 1 has an empty kernel name");
  EXPECT_EQ(errorAfter([](ModelDesc &m) {
              program(m, "infer").calls[0].attrs[2].name = "";
            }),
            "'m.fb': program 'infer', call 0 (linear): attribute 2 has an "
            "empty name");
  EXPECT_EQ(errorAfter([](ModelDesc &m) {
              program(m, "infer").calls[0].attrs[2].name = "axis";
            }),
            "'m.fb': program 'infer', call 0 (linear): attribute 'axis' is "
            "given twice");
}

TEST(ModelVerifierTest, ReadBeforeWrite) {
  EXPECT_EQ(errorAfter([](ModelDesc &m) {
              program(m, "infer").calls[0].inputs.push_back(4);
            }),
            "'m.fb': program 'infer', call 0 (linear) reads tensor 'y' before "
            "it is written");
  // An input-role tensor that is not an input of this program.
  EXPECT_EQ(
      errorAfter([](ModelDesc &m) { program(m, "infer").inputs.clear(); }),
      "'m.fb': program 'infer', call 0 (linear) reads tensor 'x' before it is "
      "written");
  // A call cannot read what it writes itself.
  EXPECT_EQ(errorAfter([](ModelDesc &m) {
              program(m, "infer").calls[0].inputs.push_back(3);
            }),
            "'m.fb': program 'infer', call 0 (linear) reads tensor 'h' before "
            "it is written");
}

TEST(ModelVerifierTest, ForbiddenWrites) {
  EXPECT_EQ(
      errorAfter([](ModelDesc &m) {
        program(m, "infer").calls[1].outputs.push_back(6);
      }),
      "'m.fb': program 'infer', call 1 (gelu) writes constant tensor 'modes'");
  EXPECT_EQ(
      errorAfter([](ModelDesc &m) {
        program(m, "infer").calls[0].outputs.push_back(0);
      }),
      "'m.fb': program 'infer', call 0 (linear) writes program input 'x'");
  EXPECT_EQ(errorAfter([](ModelDesc &m) {
              program(m, "infer").calls[1].outputs.push_back(3);
            }),
            "'m.fb': program 'infer', call 1 (gelu) writes tensor 'h', already "
            "written by call 0");
  EXPECT_EQ(errorAfter([](ModelDesc &m) {
              program(m, "infer").calls[1].outputs = {4, 4};
            }),
            "'m.fb': program 'infer', call 1 (gelu) writes tensor 'y', already "
            "written by call 1");
}

TEST(ModelVerifierTest, ProgramOutputs) {
  EXPECT_EQ(errorAfter(
                [](ModelDesc &m) { program(m, "infer").outputs.push_back(7); }),
            "'m.fb': program 'infer': output 'grad_w' is never written");
  EXPECT_EQ(errorAfter(
                [](ModelDesc &m) { program(m, "infer").outputs.push_back(4); }),
            "'m.fb': program 'infer' lists output 'y' twice");
}

// ---- Lifetimes
// -----------------------------------------------------------------

TEST(ModelVerifierTest, LifetimeEntries) {
  EXPECT_EQ(errorAfter([](ModelDesc &m) {
              program(m, "infer").lifetimes.push_back({1, 0, 1});
            }),
            "'m.fb': program 'infer' has a lifetime for parameter tensor 'w', "
            "which is not in "
            "the arena");
  EXPECT_EQ(errorAfter([](ModelDesc &m) {
              program(m, "infer").lifetimes.push_back({7, 0, 1});
            }),
            "'m.fb': program 'infer' has a lifetime for tensor 'grad_w', which "
            "it does not use");
  EXPECT_EQ(errorAfter([](ModelDesc &m) {
              program(m, "infer").lifetimes.push_back({3, 0, 1});
            }),
            "'m.fb': program 'infer' has two lifetimes for tensor 'h'");
  EXPECT_EQ(errorAfter([](ModelDesc &m) {
              auto &p = program(m, "infer");
              p.lifetimes.erase(p.lifetimes.begin() + 1);
            }),
            "'m.fb': program 'infer' has no lifetime for tensor 'h'");
}

TEST(ModelVerifierTest, LifetimeBounds) {
  const char *message =
      "'m.fb': program 'infer': lifetime [{}, {}] of tensor 'h' is invalid "
      "(need 0 <= first <= last <= 2)";
  struct {
    int first, last;
  } cases[] = {{-1, 1}, {1, 0}, {0, 3}};
  for (auto c : cases)
    EXPECT_EQ(
        errorAfter([&](ModelDesc &m) {
          lifetimeOf(program(m, "infer"), 3) = Lifetime{3, c.first, c.last};
        }),
        fmt::format(message, c.first, c.last));
}

TEST(ModelVerifierTest, LifetimeCoverage) {
  EXPECT_EQ(errorAfter([](ModelDesc &m) {
              lifetimeOf(program(m, "infer"), 0).first = 1;
            }),
            "'m.fb': program 'infer': lifetime [1, 0] of tensor 'x' is invalid "
            "(need 0 <= first "
            "<= last <= 2)");
  EXPECT_EQ(errorAfter([](ModelDesc &m) {
              lifetimeOf(program(m, "train_step"), 0) = {0, 1, 2};
            }),
            "'m.fb': program 'train_step': lifetime [1, 2] of tensor 'x' must "
            "start at 0 (it is "
            "a program input)");
  EXPECT_EQ(errorAfter([](ModelDesc &m) {
              lifetimeOf(program(m, "infer"), 3).first = 1;
            }),
            "'m.fb': program 'infer': lifetime [1, 1] of tensor 'h' does not "
            "cover its "
            "definition by call 0");
  EXPECT_EQ(errorAfter([](ModelDesc &m) {
              lifetimeOf(program(m, "train_step"), 7) = {7, 3, 3};
            }),
            "'m.fb': program 'train_step': lifetime [3, 3] of tensor 'grad_w' "
            "does not cover "
            "its definition by call 2");
  EXPECT_EQ(errorAfter([](ModelDesc &m) {
              lifetimeOf(program(m, "infer"), 3).last = 0;
            }),
            "'m.fb': program 'infer': lifetime [0, 0] of tensor 'h' ends "
            "before its use by call 1");
  EXPECT_EQ(errorAfter([](ModelDesc &m) {
              lifetimeOf(program(m, "train_step"), 0).last = 1;
            }),
            "'m.fb': program 'train_step': lifetime [0, 1] of tensor 'x' ends "
            "before its use by "
            "call 2");
  EXPECT_EQ(errorAfter([](ModelDesc &m) {
              lifetimeOf(program(m, "infer"), 4).last = 1;
            }),
            "'m.fb': program 'infer': lifetime [1, 1] of tensor 'y' must end "
            "at 2 (it is a "
            "program output)");
}

} // namespace
} // namespace shodh
