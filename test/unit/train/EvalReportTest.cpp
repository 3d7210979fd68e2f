//===- EvalReportTest.cpp - The numbers of `shodh-run eval` ---------------===//
//
// EvalReport (tools/shodh-run/EvalReport.h) on hand-made samples whose
// errors and divergence figures are counted by hand: per-file, "all" and
// per-domain lines, the JSON form (escaping, nulls without --divergence,
// embedded routing), domain names, and reading `domain` + `labels`.
//
//===----------------------------------------------------------------------===//
#include "tools/shodh-run/EvalReport.h"
#include "runtime/data/Hdf5File.h"
#include "test/unit/ExpectError.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

using namespace shodh;
using namespace shodh::testing;

namespace {

/// Adds one sample of two values: prediction `p`, target `t`.
void addSample(EvalGroup &g, std::vector<float> p, std::vector<float> t,
               double divergence) {
  g.error.addSample(p.data(), t.data(), 2);
  g.divergence.add(divergence);
}

} // namespace

TEST(EvalReport, DivergenceTallyKeepsMaxAndMean) {
  DivergenceTally t;
  EXPECT_EQ(t.mean(), 0.0);
  t.add(0.5), t.add(0.1), t.add(0.3);
  EXPECT_DOUBLE_EQ(t.max, 0.5);
  EXPECT_DOUBLE_EQ(t.mean(), 0.3);
  EXPECT_EQ(t.samples, 3);
}

TEST(EvalReport, LinesForFilesAllAndDomains) {
  EvalReport r("spectral");
  // File a: p - t = (3, 4) against t = (0, 5): |e| = 5, relative 1, MSE 12.5.
  addSample(r.addFile("a.h5", "dir/a.h5"), {3, 9}, {0, 5}, 0.25);
  addSample(r.domain(1, "porous"), {3, 9}, {0, 5}, 0.25);
  // File b: exact prediction.
  addSample(r.addFile("b.h5", "b.h5"), {1, 1}, {1, 1}, 0.5);
  addSample(r.domain(0, "open-channel"), {1, 1}, {1, 1}, 0.5);
  EXPECT_EQ(r.summary(),
            "all: 2 samples, relative L2 0.5, MSE 6.25, spectral divergence "
            "max 0.5 (mean 0.375)\n"
            "  open-channel: 1 samples, relative L2 0, MSE 0, spectral "
            "divergence max 0.5 (mean 0.5)\n"
            "  porous: 1 samples, relative L2 1, MSE 12.5, spectral "
            "divergence max 0.25 (mean 0.25)\n");
  EvalReport plain("");
  EvalGroup &only = plain.addFile("c.h5", "c.h5");
  addSample(only, {3, 9}, {0, 5}, 0.0);
  EXPECT_EQ(plain.line(only), "c.h5: 1 samples, relative L2 1, MSE 12.5\n");
  EXPECT_EQ(plain.summary(), ""); // one file, no domains
}

TEST(EvalReport, JsonHasEveryGroup) {
  EvalReport r("fd2");
  addSample(r.addFile("x \"q\".h5", "x \"q\".h5"), {3, 9}, {0, 5}, 0.25);
  addSample(r.domain(2, "a\\b"), {3, 9}, {0, 5}, 0.25);
  EXPECT_EQ(r.json("{\"layers\": []}\n"),
            "{\"divergence\": \"fd2\",\n"
            " \"files\": [{\"name\": \"x \\\"q\\\".h5\", \"path\": \"x "
            "\\\"q\\\".h5\", \"samples\": 1, \"relative_l2\": 1, \"mse\": "
            "12.5, \"divergence_max\": 0.25, \"divergence_mean\": 0.25, "
            "\"channels\": []}],\n"
            " \"all\": {\"samples\": 1, \"relative_l2\": 1, \"mse\": 12.5, "
            "\"divergence_max\": 0.25, \"divergence_mean\": 0.25, "
            "\"channels\": []},\n"
            " \"domains\": [{\"domain\": 2, \"name\": \"a\\\\b\", \"samples\": "
            "1, \"relative_l2\": 1, \"mse\": 12.5, \"divergence_max\": 0.25, "
            "\"divergence_mean\": 0.25, \"channels\": []}],\n"
            " \"routing\": {\"layers\": []}}\n");
  EvalReport plain("");
  plain.addFile("c.h5", "c.h5");
  std::string j = plain.json("");
  EXPECT_NE(j.find("{\"divergence\": null,"), std::string::npos) << j;
  EXPECT_NE(j.find("\"divergence_max\": null, \"divergence_mean\": null"),
            std::string::npos)
      << j;
  EXPECT_NE(j.find("\"domains\": [],\n \"routing\": null}"), std::string::npos)
      << j;
}

TEST(EvalReport, DomainLabelsReadsIdsAndNames) {
  std::string path = ::testing::TempDir() + "eval_report_domains.h5";
  {
    Hdf5Writer w(path);
    w.writeInts("domain", {3}, {0, 1, 4});
    w.writeStringsAttr("domain", "labels", {"open-channel", "porous"});
    w.commit();
  }
  DomainLabels d = DomainLabels::read(path, 3);
  EXPECT_EQ(d.ids, (std::vector<int64_t>{0, 1, 4}));
  EXPECT_EQ(d.name(1), "porous");
  EXPECT_EQ(d.name(4), "domain 4");
  EXPECT_EQ(d.name(-1), "domain -1");
  expectError([&] { DomainLabels::read(path, 2); },
              "dataset 'domain' has 3 labels but the file has 2 samples");
  std::remove(path.c_str());
}

// Several target channels: each alone (relative L2 per sample and channel),
// on the per-channel line after the file and in the JSON; "all" only when
// every file has the same channels.
TEST(EvalReport, PerChannelErrors) {
  EvalReport r("");
  EvalGroup &a = r.addFile("a.h5", "a.h5");
  a.channels.resize(2), a.channelNames = {"u", "p"};
  // Two channels of two values: u exact, p off by (3, 4) against (0, 5).
  const float pred[] = {1, 2, 3, 9}, targ[] = {1, 2, 0, 5};
  a.error.addSample(pred, targ, 4);
  a.addChannels(pred, targ, 2);
  EXPECT_EQ(r.channelLines(a), "  per channel relative L2: u 0, p 1\n");
  EXPECT_NE(r.json("").find("\"channels\": [{\"channel\": 0, \"name\": "
                            "\"u\", \"relative_l2\": 0, \"mse\": 0}, "
                            "{\"channel\": 1, \"name\": \"p\", "
                            "\"relative_l2\": 1, \"mse\": 12.5}]"),
            std::string::npos)
      << r.json("");
  EvalGroup &b = r.addFile("b.h5", "b.h5");
  b.channels.resize(2), b.channelNames = {"u", "p"};
  b.error.addSample(targ, targ, 4);
  b.addChannels(targ, targ, 2);
  // Whole sample a: 5 / sqrt(30) = 0.9129; b exact.
  EXPECT_EQ(r.summary(), "all: 2 samples, relative L2 0.456435, MSE 3.125\n"
                         "  per channel relative L2: u 0, p 0.5\n");
  // Another file with other channels: no per-channel "all".
  EvalGroup &c = r.addFile("c.h5", "c.h5");
  c.channels.resize(2); // unnamed
  c.error.addSample(targ, targ, 4);
  c.addChannels(targ, targ, 2);
  EXPECT_EQ(r.channelLines(c), "  per channel relative L2: 0 0, 1 0\n");
  EXPECT_EQ(r.all().channels.size(), 0u);
}
