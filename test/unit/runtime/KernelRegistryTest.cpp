//===- KernelRegistryTest.cpp - Registry, tensor refs and shape binding ---===//
#include "runtime/core/Kernel.h"
#include "runtime/core/Session.h"
#include "runtime/support/Status.h"

#include <gtest/gtest.h>

using namespace shodh;

namespace {

/// A kernel that does nothing.
class NopKernel : public Kernel {
public:
  void run(const std::vector<TensorRef> &, const std::vector<TensorRef> &,
           KernelContext &) override {}
};

KernelFactory nopFactory() {
  return [](const KernelSignature &) { return std::make_unique<NopKernel>(); };
}

TEST(KernelRegistry, AddFindNames) {
  KernelRegistry r;
  r.add("zeta", Backend::Cpu, nopFactory());
  r.add("alpha", Backend::Cpu, nopFactory());
  r.add("alpha", Backend::Cuda, nopFactory());
  EXPECT_NE(r.find("alpha", Backend::Cpu), nullptr);
  EXPECT_EQ(r.find("zeta", Backend::Cuda), nullptr);
  EXPECT_EQ(r.find("missing", Backend::Cpu), nullptr);
  EXPECT_EQ(r.names(Backend::Cpu), (std::vector<std::string>{"alpha", "zeta"}));
  EXPECT_EQ(r.names(Backend::Cuda), (std::vector<std::string>{"alpha"}));
  EXPECT_THROW(r.add("alpha", Backend::Cpu, nopFactory()), Error);
}

TEST(KernelRegistry, BuiltinHasTheCpuKernels) {
  const KernelRegistry &r = KernelRegistry::builtin();
  EXPECT_EQ(&r, &KernelRegistry::builtin());
  std::vector<std::string> names = r.names(Backend::Cpu);
  for (const char *k : {"add", "copy", "gelu", "linear", "mul"})
    EXPECT_NE(std::find(names.begin(), names.end(), k), names.end()) << k;
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
}

TEST(KernelRegistry, BackendNamesAndNumel) {
  EXPECT_STREQ(backendName(Backend::Cpu), "cpu");
  EXPECT_STREQ(backendName(Backend::Cuda), "cuda");
  EXPECT_EQ((TensorRef{DType::F32, {2, 3, 4}, nullptr}.numel()), 24);
  EXPECT_EQ((TensorRef{DType::F32, {}, nullptr}.numel()), 1);
  EXPECT_EQ((TensorRef{DType::F32, {5, 0}, nullptr}.numel()), 0);
}

TEST(Shape, BindShapeSubstitutesSymbols) {
  TensorDesc t;
  t.name = "x", t.shape = {Dim::named("B"), Dim::fixed(3), Dim::named("N")};
  EXPECT_EQ(bindShape(t, {{"B", 4}, {"N", 7}, {"unused", 1}}),
            (std::vector<int64_t>{4, 3, 7}));
}

TEST(Shape, BindShapeErrors) {
  TensorDesc t;
  t.name = "x", t.shape = {Dim::named("B"), Dim::fixed(3)};
  try {
    bindShape(t, {});
    FAIL();
  } catch (const Error &e) {
    EXPECT_STREQ(e.what(), "tensor 'x': symbol 'B' is not bound");
  }
  EXPECT_THROW(bindShape(t, {{"B", -2}}), Error);
  EXPECT_THROW(bindShape(t, {{"B", int64_t(1) << 62}}),
               Error); // bytes overflow
}

TEST(Shape, ByteSize) {
  EXPECT_EQ(byteSize(DType::F32, {2, 3}, "t"), 24u);
  EXPECT_EQ(byteSize(DType::C128, {5}, "t"), 80u);
  EXPECT_EQ(byteSize(DType::F64, {}, "t"), 8u);
  EXPECT_EQ(byteSize(DType::F32, {int64_t(1) << 62, 0}, "t"), 0u);
  EXPECT_THROW(byteSize(DType::F32, {int64_t(1) << 31, int64_t(1) << 31}, "t"),
               Error);
  EXPECT_THROW(byteSize(DType::F32, {-1}, "t"), Error);
}

} // namespace
