//===- NumericsCheckTest.cpp - SessionOptions::checkNumerics --------------===//
//
// The expected call, tensor, flat index and value in every message are
// worked out by hand from the model (SessionTestModels.h: h1 = linear(x, w1,
// b1) is [B, 8, 5], x is [B, 4, 5]), not read back from the session.
//
//===----------------------------------------------------------------------===//
#include "runtime/core/NumericsCheck.h"
#include "CpuKernelHarness.h"
#include "SessionTestModels.h"
#include "runtime/core/Session.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace shodh;
using namespace shodh::testing;

namespace {

/// A session on `m` with the check on, `infer` prepared for B = 2, x = 0.5.
std::unique_ptr<Session> checkedSession(const ModelDesc &m, bool check = true) {
  SessionOptions o;
  o.checkNumerics = check;
  auto s = std::make_unique<Session>(m, o);
  s->prepare("infer", {{"B", 2}});
  TensorRef x = s->input("infer", 0);
  for (int64_t i = 0; i < x.numel(); ++i)
    x.as<float>()[i] = 0.5f;
  return s;
}

TEST(NumericsCheck, FindsFirstNonFiniteOfEveryFloatDtype) {
  HostTensor f(DType::F32, {2, 3});
  EXPECT_FALSE(findNonFinite(f.ref()));
  f.f32()[4] = -std::numeric_limits<float>::infinity();
  f.f32()[5] = std::nanf("");
  std::optional<NonFiniteValue> bad = findNonFinite(f.ref());
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->index, 4);
  EXPECT_EQ(bad->value, "-inf");
  // complex<f32> [3]: element 1's imaginary part (scalar 3) is NaN.
  HostTensor c(DType::C64, {3});
  c.f32()[3] = std::nanf("");
  bad = findNonFinite(c.ref());
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->index, 1);
  EXPECT_EQ(bad->value, "(0, nan)");
  HostTensor d(DType::F64, {7});
  d.f64()[6] = std::numeric_limits<double>::infinity();
  bad = findNonFinite(d.ref());
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->index, 6);
  EXPECT_EQ(bad->value, "inf");
  // Largest finite values and subnormals are finite.
  f.f32()[4] = std::numeric_limits<float>::max();
  f.f32()[5] = std::numeric_limits<float>::denorm_min();
  EXPECT_FALSE(findNonFinite(f.ref()));
  HostTensor i(DType::I64, {2});
  EXPECT_FALSE(findNonFinite(i.ref()));
}

TEST(NumericsCheck, CallThatProducesInfIsNamed) {
  ModelDesc m = mlpModel();
  auto s = checkedSession(m);
  // Row 2 of w1 = FLT_MAX: h1[0, 2, 0] = 4 * FLT_MAX * 0.5 + b1[2] = inf,
  // rows 0 and 1 stay finite, so the first bad flat index is 2 * 5 + 0.
  TensorRef w1 = s->persistent(kW1);
  for (int64_t i = 0; i < 4; ++i)
    w1.as<float>()[2 * 4 + i] = std::numeric_limits<float>::max();
  expectErrorContaining(
      [&] { s->invoke("infer"); },
      "program 'infer', call 0 (linear): output 'h1' is not finite: inf at "
      "flat index 10 of [2, 8, 5]; every input of the call is finite, so "
      "this call produced it");
}

TEST(NumericsCheck, CallFedANonFiniteInputSaysSo) {
  ModelDesc m = mlpModel();
  auto s = checkedSession(m);
  // x[0, 1, 3] (flat 1 * 5 + 3 = 8) is NaN: every h1[0, o, 3] is NaN and
  // the first of them is flat index 0 * 5 + 3.
  s->input("infer", 0).as<float>()[8] = std::nanf("");
  expectErrorContaining([&] { s->invoke("infer"); },
                        "program 'infer', call 0 (linear): output 'h1' is not "
                        "finite: nan at flat index 3 of [2, 8, 5]; it was fed "
                        "a non-finite input: 'x' has nan at flat index 8");
}

TEST(NumericsCheck, OffByDefaultAndCleanRunsPass) {
  ModelDesc m = mlpModel();
  auto unchecked = checkedSession(m, false);
  unchecked->input("infer", 0).as<float>()[8] = std::nanf("");
  unchecked->invoke("infer"); // no check: the NaN reaches the output
  EXPECT_TRUE(std::isnan(unchecked->output("infer", 0).as<float>()[3]));
  auto checked = checkedSession(m);
  checked->invoke("infer");
  EXPECT_FALSE(findNonFinite(checked->output("infer", 0)));
}

/// p, t [2] -> mse_loss_grad(p, t) written over p (in place).
ModelDesc inPlaceModel() {
  ModelDesc m;
  m.tensors = {describe("p", {Dim::fixed(2)}, TensorRole::Input),
               describe("t", {Dim::fixed(2)}, TensorRole::Input)};
  ProgramDesc p{"infer", {0, 1}, {0}, {}, {}};
  p.calls.push_back(KernelCall{"mse_loss_grad", {0, 1}, {0}, {}});
  p.lifetimes = {{0, 0, 0}, {1, 0, 0}};
  m.programs.push_back(p);
  return m;
}

TEST(NumericsCheck, InPlaceInputsAreJudgedOnTheirOldValues) {
  ModelDesc m = inPlaceModel();
  SessionOptions o;
  o.checkNumerics = true;
  Session s(m, o);
  s.prepare("infer", {});
  float *p = s.input("infer", 0).as<float>(),
        *t = s.input("infer", 1).as<float>();
  // dp = 2 (p - t) / 2 = p - t = 6e38 > FLT_MAX at index 0: the call makes
  // the Inf, although p holds it once the call is done.
  p[0] = 3e38f, p[1] = 1.0f, t[0] = -3e38f, t[1] = 1.0f;
  expectErrorContaining([&] { s.invoke("infer"); },
                        "output 'p' is not finite: inf at flat index 0 of "
                        "[2]; every input of the call is finite");
  p[0] = 1.0f, p[1] = std::nanf(""), t[0] = 0.0f, t[1] = 0.0f;
  expectErrorContaining([&] { s.invoke("infer"); },
                        "output 'p' is not finite: nan at flat index 1 of "
                        "[2]; it was fed a non-finite input: 'p' has nan at "
                        "flat index 1");
}

TEST(NumericsCheck, ErrorIsANonFiniteError) {
  ModelDesc m = mlpModel();
  auto s = checkedSession(m);
  s->input("infer", 0).as<float>()[0] = std::numeric_limits<float>::infinity();
  EXPECT_THROW(s->invoke("infer"), NonFiniteError);
}

} // namespace
