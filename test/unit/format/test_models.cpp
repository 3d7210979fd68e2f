//===- test_models.cpp - Sample models shared by the format tests ---------===//
#include "test_models.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

namespace shodh {
namespace testing {
namespace {

/// A tensor description in one line.
TensorDesc tensor(std::string name, DType dtype, std::vector<Dim> shape,
                  TensorRole role) {
  TensorDesc t;
  t.name = std::move(name);
  t.dtype = dtype;
  t.shape = std::move(shape);
  t.role = role;
  return t;
}

/// Static element count times element size of a fully static tensor.
uint64_t byteSize(const TensorDesc &t) {
  uint64_t n = dtypeSize(t.dtype);
  for (const Dim &d : t.shape)
    n *= static_cast<uint64_t>(d.size);
  return n;
}

/// "infer": h = linear(x, w, b); y = gelu(h). Uses every attribute kind.
ProgramDesc makeInfer() {
  ProgramDesc p;
  p.name = "infer";
  p.inputs = {0};
  p.outputs = {4};
  KernelCall linear{"linear", {0, 1, 2}, {3}, {}};
  linear.attrs = {{"axis", int64_t(2)},
                  {"scale", 0.5},
                  {"activation", std::string("gelu")},
                  {"perm", std::vector<int64_t>{0, 2, 1}},
                  {"coeffs", std::vector<double>{1.5, -2.25, 1e-300}}};
  p.calls = {linear, KernelCall{"gelu", {3, 6}, {4}, {}}};
  p.lifetimes = {{0, 0, 0}, {3, 0, 1}, {4, 1, 2}};
  return p;
}

/// "train_step": the forward pass, a gradient, an in-place parameter update
/// and a step counter (state) update.
ProgramDesc makeTrainStep() {
  ProgramDesc p;
  p.name = "train_step";
  p.inputs = {0};
  p.outputs = {4};
  p.calls = {KernelCall{"linear", {0, 1, 2}, {3}, {}},
             KernelCall{"gelu", {3, 6}, {4}, {}},
             KernelCall{"linear_grad_w", {0, 4}, {7}, {}},
             KernelCall{"sgd", {1, 7}, {1}, {{"lr", 1e-3}}},
             KernelCall{"increment", {5}, {5}, {}}};
  p.lifetimes = {{0, 0, 2}, {3, 0, 1}, {4, 1, 5}, {7, 2, 3}};
  return p;
}

} // namespace

void attachData(ModelDesc &model, int32_t id, uint8_t seed) {
  TensorDesc &t = model.tensors[id];
  uint64_t offset = (model.data.size() + 63) / 64 * 64;
  uint64_t size = byteSize(t);
  model.data.resize(offset + size, 0);
  for (uint64_t i = 0; i < size; ++i)
    model.data[offset + i] = static_cast<uint8_t>(seed + i * 31 + (i >> 8));
  t.data = DataRef{offset, size};
}

ModelDesc makeSampleModel() {
  ModelDesc m;
  m.meta.compilerVersion = "shodhc 0.1.0";
  m.meta.sourceName = "fno2d.py";
  m.meta.sourceHash = "sha256:0123abcd";
  m.meta.target = "cuda";
  m.meta.hyperparams = {{"width", int64_t(64)},
                        {"lr", 1e-3},
                        {"optimizer", std::string("adam")},
                        {"modes", std::vector<int64_t>{12, 12}},
                        {"betas", std::vector<double>{0.9, 0.999}}};
  m.tensors = {
      tensor("x", DType::F32, {Dim::named("B"), Dim::fixed(64), Dim::fixed(3)},
             TensorRole::Input),
      tensor("w", DType::F32, {Dim::fixed(3), Dim::fixed(16)},
             TensorRole::Parameter),
      tensor("b", DType::F32, {Dim::fixed(16)}, TensorRole::Parameter),
      tensor("h", DType::F32, {Dim::named("B"), Dim::fixed(64), Dim::fixed(16)},
             TensorRole::Activation),
      tensor("y", DType::F32, {Dim::named("B"), Dim::fixed(64), Dim::fixed(16)},
             TensorRole::Output),
      tensor("step", DType::I64, {}, TensorRole::State),
      tensor("modes", DType::C64, {Dim::fixed(4)}, TensorRole::Constant),
      tensor("grad_w", DType::F32, {Dim::fixed(3), Dim::fixed(16)},
             TensorRole::Gradient)};
  m.tensors[1].init = InitSpec{"fan_in_uniform", 0.0, 0.0, 3, 42};
  m.tensors[2].init = InitSpec{"normal", 0.25, 0.02, 0, 0xfeedfacecafebeefULL};
  m.tensors[5].init = InitSpec{"zeros", 0, 0, 0, 0};
  attachData(m, 1, 1);
  attachData(m, 2, 2);
  attachData(m, 6, 3);
  m.programs = {makeInfer(), makeTrainStep()};
  return m;
}

ModelDesc makeLargeDataModel() {
  ModelDesc m;
  m.meta.target = "cpu";
  m.tensors = {
      tensor("big", DType::F64, {Dim::fixed(100), Dim::fixed(90)},
             TensorRole::Parameter),
      tensor("small", DType::C128, {Dim::fixed(5)}, TensorRole::State)};
  attachData(m, 0, 7);
  attachData(m, 1, 9);
  return m;
}

/// Compares two attribute lists.
void expectAttrsEqual(const std::vector<NamedAttr> &e,
                      const std::vector<NamedAttr> &a) {
  ASSERT_EQ(e.size(), a.size());
  for (size_t i = 0; i < e.size(); ++i) {
    EXPECT_EQ(e[i].name, a[i].name);
    EXPECT_TRUE(e[i].value == a[i].value) << "attribute " << e[i].name;
  }
}

/// Compares two tensors.
void expectTensorsEqual(const TensorDesc &e, const TensorDesc &a) {
  SCOPED_TRACE("tensor " + e.name);
  EXPECT_EQ(e.name, a.name);
  EXPECT_EQ(e.dtype, a.dtype);
  EXPECT_EQ(e.shape, a.shape);
  EXPECT_EQ(e.role, a.role);
  EXPECT_EQ(e.init.kind, a.init.kind);
  EXPECT_EQ(e.init.a, a.init.a);
  EXPECT_EQ(e.init.b, a.init.b);
  EXPECT_EQ(e.init.fan, a.init.fan);
  EXPECT_EQ(e.init.seed, a.init.seed);
  ASSERT_EQ(e.data.has_value(), a.data.has_value());
  if (e.data) {
    EXPECT_EQ(e.data->offset, a.data->offset);
    EXPECT_EQ(e.data->size, a.data->size);
  }
}

/// Compares two programs.
void expectProgramsEqual(const ProgramDesc &e, const ProgramDesc &a) {
  SCOPED_TRACE("program " + e.name);
  EXPECT_EQ(e.name, a.name);
  EXPECT_EQ(e.inputs, a.inputs);
  EXPECT_EQ(e.outputs, a.outputs);
  ASSERT_EQ(e.calls.size(), a.calls.size());
  for (size_t i = 0; i < e.calls.size(); ++i) {
    EXPECT_EQ(e.calls[i].kernel, a.calls[i].kernel);
    EXPECT_EQ(e.calls[i].inputs, a.calls[i].inputs);
    EXPECT_EQ(e.calls[i].outputs, a.calls[i].outputs);
    expectAttrsEqual(e.calls[i].attrs, a.calls[i].attrs);
  }
  ASSERT_EQ(e.lifetimes.size(), a.lifetimes.size());
  for (size_t i = 0; i < e.lifetimes.size(); ++i) {
    EXPECT_EQ(e.lifetimes[i].tensor, a.lifetimes[i].tensor);
    EXPECT_EQ(e.lifetimes[i].first, a.lifetimes[i].first);
    EXPECT_EQ(e.lifetimes[i].last, a.lifetimes[i].last);
  }
}

void expectModelsEqual(const ModelDesc &expected, const ModelDesc &actual) {
  EXPECT_EQ(expected.meta.schemaMajor, actual.meta.schemaMajor);
  EXPECT_EQ(expected.meta.schemaMinor, actual.meta.schemaMinor);
  EXPECT_EQ(expected.meta.compilerVersion, actual.meta.compilerVersion);
  EXPECT_EQ(expected.meta.sourceName, actual.meta.sourceName);
  EXPECT_EQ(expected.meta.sourceHash, actual.meta.sourceHash);
  EXPECT_EQ(expected.meta.target, actual.meta.target);
  expectAttrsEqual(expected.meta.hyperparams, actual.meta.hyperparams);
  ASSERT_EQ(expected.tensors.size(), actual.tensors.size());
  for (size_t i = 0; i < expected.tensors.size(); ++i)
    expectTensorsEqual(expected.tensors[i], actual.tensors[i]);
  ASSERT_EQ(expected.programs.size(), actual.programs.size());
  for (size_t i = 0; i < expected.programs.size(); ++i)
    expectProgramsEqual(expected.programs[i], actual.programs[i]);
  EXPECT_TRUE(expected.data == actual.data) << "data sections differ";
}

ScratchDir::ScratchDir() {
  const char *base = std::getenv("TMPDIR");
  std::string pattern =
      std::string(base && *base ? base : "/tmp") + "/shodh-format-XXXXXX";
  if (!mkdtemp(pattern.data()))
    throw std::runtime_error("mkdtemp failed for " + pattern);
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

} // namespace testing
} // namespace shodh
