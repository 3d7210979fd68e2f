//===- SessionErrorTest.cpp - Every user-facing Session error -------------===//
#include "CpuKernelHarness.h"
#include "SessionTestModels.h"
#include "runtime/core/Device.h"
#include "runtime/core/Session.h"

#include <gtest/gtest.h>

using namespace shodh;
using namespace shodh::testing;

namespace {

/// Expects constructing a session on `m` to fail with `needle` in the message.
void expectLoadError(const ModelDesc &m, const std::string &needle) {
  expectErrorContaining([&] { Session s(m, SessionOptions{}); }, needle);
}

TEST(SessionErrors, UnknownKernel) {
  ModelDesc m = mlpModel();
  m.programs[0].calls[1].kernel = "foo";
  expectLoadError(m, "program 'infer', call 1: unknown kernel 'foo' for "
                     "backend cpu (known: adam, add, ");
  expectLoadError(m, "linear");
}

TEST(SessionErrors, UnknownKernelsAreListedWithTheirCalls) {
  ModelDesc m = mlpModel();
  m.programs[0].calls[0].kernel = "bar";
  m.programs[0].calls[1].kernel = "foo";
  m.programs[0].calls[2].kernel = "bar";
  expectLoadError(m, "program 'infer': 2 unknown kernels bar (calls 0, 2); "
                     "foo (call 1) for backend cpu (known: adam, ");
  expectLoadError(m, "this shodh-run does not have them: the model file "
                     "comes from a newer shodhc, or the op's kernel is not "
                     "registered");
}

// A program that needs an unknown kernel (a training step, say) is refused
// when it is prepared; the model's other programs still run.
TEST(SessionErrors, ProgramWithAnUnknownKernelIsRefusedWhenPrepared) {
  ModelDesc m = mlpModel();
  ProgramDesc train = m.programs[0];
  train.name = "train_step";
  train.calls[1].kernel = "gelu_grxd";
  m.programs.push_back(train);
  Session s(m, SessionOptions{});
  s.prepare("infer", {{"B", 2}});
  s.invoke("infer");
  expectErrorContaining(
      [&] {
        s.prepare("train_step", {{"B", 2}});
      },
      "program 'train_step', call 1: unknown kernel 'gelu_grxd' for backend "
      "cpu");
  expectErrorContaining([&] { s.invoke("train_step"); },
                        "program 'train_step' is not prepared");
  s.invoke("infer"); // still prepared and usable
}

TEST(SessionErrors, BadAttribute) {
  ModelDesc m = mlpModel();
  m.programs[0].calls[1].attrs[0].value = std::string("erf");
  expectLoadError(
      m, "program 'infer', call 1 (gelu): attribute 'approximate' must be");
  m = mlpModel();
  m.programs[0].calls[0].attrs.clear();
  expectLoadError(
      m, "program 'infer', call 0 (linear): missing integer attribute 'axis'");
}

// An attribute the kernel never asks for would leave it on a default (a
// misspelt `approximate` ran exact GELU): it is refused, naming what the
// kernel reads.
TEST(SessionErrors, AttributeTheKernelDoesNotReadIsRefused) {
  ModelDesc m = mlpModel();
  m.programs[0].calls[1].attrs[0].name = "approximatX";
  expectLoadError(m, "program 'infer', call 1 (gelu): attribute 'approximatX' "
                     "is not one the kernel reads (it reads approximate); the "
                     "model file and this shodh-run disagree");
  m = mlpModel();
  m.programs[0].calls[0].attrs.push_back({"stride", int64_t(2)});
  expectLoadError(m, "program 'infer', call 0 (linear): attribute 'stride' is "
                     "not one the kernel reads (it reads axis, residual)");
}

TEST(SessionErrors, InconsistentShapes) {
  ModelDesc m = mlpModel();
  m.tensors[kW1].shape = {Dim::fixed(8), Dim::fixed(3)};
  expectLoadError(m, "program 'infer', call 0 (linear): weight has 3 input "
                     "channels but x has 4 "
                     "at axis 1");
}

TEST(SessionErrors, BadTensorIds) {
  ModelDesc m = mlpModel();
  m.programs[0].calls[2].inputs[1] = 42;
  expectLoadError(
      m,
      "program 'infer', call 2 (linear): input 1 refers to tensor 42 but the "
      "model has 8 tensors");
  m = mlpModel();
  m.programs[0].outputs = {-1};
  expectLoadError(m, "program 'infer': output 0 refers to tensor -1");
}

TEST(SessionErrors, PersistentTensorProblems) {
  ModelDesc m = mlpModel();
  m.tensors[kW2].init.kind = "xavier";
  expectLoadError(m, "tensor 'w2': unknown init kind 'xavier'");
  m = mlpModel();
  m.tensors[kB1].data->size = 4;
  expectLoadError(m, "tensor 'b1': stored data has 4 bytes, expected 32");
  m = mlpModel();
  m.tensors[kB1].data->offset = 4096;
  expectLoadError(
      m, "tensor 'b1': stored data [4096, +32) lies outside the data section");
  m = mlpModel();
  m.tensors[kB2].shape = {Dim::named("C")};
  m.programs.clear();
  expectLoadError(
      m, "constant tensor 'b2' must have a static shape, but dim 0 is 'C'");
}

TEST(SessionErrors, BadOptions) {
  ModelDesc m = mlpModel();
  expectErrorContaining(
      [&] {
        Session s(m, SessionOptions{0, Backend::Cpu});
      },
      "thread count must be at least 1, got 0");
  if (!cudaCompiledIn()) // with CUDA: test/unit/cuda/DeviceTest.cpp
    expectErrorContaining(
        [&] {
          Session s(m, SessionOptions{1, Backend::Cuda});
        },
        "no kernels are registered for backend cuda");
}

TEST(SessionErrors, UnboundSymbol) {
  ModelDesc m = mlpModel();
  Session s(m, SessionOptions{});
  expectErrorContaining(
      [&] {
        s.prepare("infer", {{"N", 3}});
      },
      "tensor 'x': symbol 'B' is not bound");
  expectErrorContaining(
      [&] {
        s.prepare("infer", {{"B", int64_t(1) << 61}});
      },
      "size in bytes overflows 64 bits");
}

TEST(SessionErrors, UnpreparedOrUnknownProgram) {
  ModelDesc m = mlpModel();
  Session s(m, SessionOptions{});
  const std::string unprepared =
      "program 'infer' is not prepared: call prepare first";
  expectErrorContaining([&] { s.invoke("infer"); }, unprepared);
  expectErrorContaining([&] { s.input("infer", 0); }, unprepared);
  expectErrorContaining([&] { s.output("infer", 0); }, unprepared);
  expectErrorContaining([&] { s.plan("infer"); }, unprepared);
  expectErrorContaining(
      [&] {
        s.prepare("train_step", {{"B", 1}});
      },
      "unknown program 'train_step' (known: infer)");
  expectErrorContaining([&] { s.invoke("eval"); }, "unknown program 'eval'");
  // A failed re-prepare leaves the program unprepared.
  s.prepare("infer", {{"B", 2}});
  EXPECT_THROW(s.prepare("infer", {}), Error);
  expectErrorContaining([&] { s.invoke("infer"); }, unprepared);
}

TEST(SessionErrors, BadIndices) {
  ModelDesc m = mlpModel();
  Session s(m, SessionOptions{});
  s.prepare("infer", {{"B", 2}});
  expectErrorContaining(
      [&] { s.input("infer", 1); },
      "program 'infer' has 1 inputs; index 1 is out of range");
  expectErrorContaining(
      [&] { s.output("infer", 5); },
      "program 'infer' has 1 outputs; index 5 is out of range");
  expectErrorContaining(
      [&] { s.persistent(kH1); },
      "tensor 'h1' (id 3) has role activation, not a persistent role");
  expectErrorContaining([&] { s.persistent(8); },
                        "tensor id 8 is out of range");
}

TEST(SessionErrors, LifetimeProblems) {
  ModelDesc m = mlpModel();
  m.programs[0].lifetimes.pop_back(); // y
  {
    Session s(m, SessionOptions{});
    expectErrorContaining(
        [&] {
          s.prepare("infer", {{"B", 2}});
        },
        "program 'infer': tensor 'y' has no lifetime");
  }
  m = mlpModel();
  m.programs[0].lifetimes[1] = {kH1, 0, 0}; // h1 is read by call 1
  {
    Session s(m, SessionOptions{});
    expectErrorContaining(
        [&] {
          s.prepare("infer", {{"B", 2}});
        },
        "program 'infer', call 1 (gelu): tensor 'h1' is read at call 1 but its "
        "lifetime is [0, 0]");
  }
  m = mlpModel();
  m.programs[0].lifetimes.push_back({kX, 0, 1});
  {
    Session s(m, SessionOptions{});
    expectErrorContaining(
        [&] {
          s.prepare("infer", {{"B", 2}});
        },
        "program 'infer': tensor 'x' has two lifetimes");
  }
}

} // namespace
