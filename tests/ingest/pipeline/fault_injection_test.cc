// Ingest under injected file-system faults and simulated power loss.
//
// For N = 1, 2, ... until an ingest completes untouched: fail the N-th write,
// fsync, rename or directory fsync (EIO, ENOSPC), or cut the power after the
// N-th mutating operation and drop everything not yet durable. After each:
// the ingest either succeeded or left nothing the catalog points to (a
// version whose log entry became durable is rolled forward, complete), the
// audit is clean, and a retry succeeds.
#include <gtest/gtest.h>

#include <filesystem>

#include "storage/archive/audit.h"
#include "storage/archive/maintenance.h"
#include "tests/support/archive_fixture.h"
#include "tests/support/fault_injection_env.h"

namespace bevara::ingest {
namespace {

using testing::FaultInjectionEnv;
using testing::FaultKind;

struct Scenario {
  FaultKind kind;
  int err;          // 0: power loss after N operations
  bool use_syncfs;  // the store's syncfs batching on or off
};

std::string Name(const Scenario& s) {
  std::string name = s.err == 0 ? "power loss" : std::string(FaultKindName(s.kind)) + (s.err == EIO ? " EIO" : " ENOSPC");
  return name + (s.use_syncfs ? " (syncfs batches)" : " (fsync each)");
}

// After a fault: reopen with the real file system and check the archive.
void CheckAfterFault(const std::string& data, const std::string& package, const std::string& objid, bool acknowledged,
                     const std::string& context) {
  SCOPED_TRACE(context);
  auto archive = testing::OpenArchiveOrDie(data);
  ASSERT_NE(archive, nullptr);
  auto present = archive->catalog()->GetPackage(objid);
  ASSERT_TRUE(present.ok());
  if (acknowledged) {
    ASSERT_TRUE(present->has_value()) << "an acknowledged package is gone";
  }
  if (present->has_value()) {
    // Acknowledged, or rolled forward from a durable log entry: either way whole.
    auto verify = storage::VerifyPackage(archive.get(), objid);
    ASSERT_TRUE(verify.ok());
    EXPECT_TRUE(verify->clean()) << verify->ToText();
  }
  testing::ExpectAuditClean(archive.get());
  // A retry succeeds, and gc leaves exactly what the catalog references.
  ingest::IngestOutcome retry = testing::IngestOrDie(archive.get(), package);
  EXPECT_TRUE(retry.archived);
  EXPECT_EQ(retry.record.version, 1u);
  auto gc = storage::CollectGarbage(archive.get());
  ASSERT_TRUE(gc.ok()) << gc.status().ToString();
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(data + "/store/staging"),
                          std::filesystem::directory_iterator()),
            0);
  testing::ExpectAuditClean(archive.get());
}

class FaultInjectionTest : public ::testing::TestWithParam<Scenario> {};

TEST_P(FaultInjectionTest, IngestIsAllOrNothing) {
  const Scenario s = GetParam();
  testing::TempDir dir;
  // Files above and below the store's fsync threshold, so that both ways of
  // making blobs durable run.
  sipgen::SipSpec spec;
  spec.seed = 21;
  spec.files = 5;
  spec.min_file_size = 100;
  spec.max_file_size = 300 << 10;
  sipgen::SipPlan mixed = sipgen::PlanSip(spec);
  const std::string package = testing::WritePackage(mixed, "tar", dir);

  storage::ArchiveOptions options;
  options.store.use_syncfs = s.use_syncfs;
  // A fresh archive costs 256 directories and a syncfs; each run copies this one.
  const std::string empty = dir.Join("empty-archive");
  testing::OpenArchiveOrDie(empty);
  int runs = 0;
  for (uint64_t n = 1;; ++n) {
    ASSERT_LT(n, 2000u) << "the ingest never completes";
    const std::string data = dir.Join("data-" + std::to_string(n));
    std::filesystem::copy(empty, data, std::filesystem::copy_options::recursive);
    FaultInjectionEnv env(Env::Default());
    bool acknowledged = false;
    bool fired = false;
    {
      auto archive = testing::OpenArchiveOrDie(data, &env, options);
      ASSERT_NE(archive, nullptr);
      if (s.err == 0) {
        env.CrashAfter(n);
      } else {
        env.FailNth(s.kind, n, s.err);
      }
      Ingester ingester(archive.get(), testing::Schemas());
      auto outcome = ingester.Ingest(package);
      fired = env.fault_fired();
      acknowledged = outcome.ok() && outcome->archived;
      if (!fired) {
        ASSERT_TRUE(acknowledged) << (outcome.ok() ? testing::Describe(outcome->report) : outcome.status().ToString());
      } else if (s.err != 0 && outcome.ok()) {
        // Only a failed cleanup (removing a staging file) may be shrugged off.
        EXPECT_TRUE(outcome->archived);
      }
      if (s.err == 0) env.DropUnsyncedData();
    }
    CheckAfterFault(data, package, mixed.objid, acknowledged, Name(s) + " at operation " + std::to_string(n));
    std::filesystem::remove_all(data);
    ++runs;
    if (!fired || ::testing::Test::HasFailure()) break;
  }
  EXPECT_GT(runs, 3);
  std::printf("%s: %d runs\n", Name(s).c_str(), runs);
}

std::vector<Scenario> AllScenarios() {
  std::vector<Scenario> all;
  for (bool syncfs : {true, false}) {
    for (FaultKind k : {FaultKind::kWrite, FaultKind::kSync, FaultKind::kRename, FaultKind::kSyncDir}) {
      // With syncfs, a package touching this many directories has none fsynced one by one.
      if (syncfs && k == FaultKind::kSyncDir) continue;
      all.push_back({k, EIO, syncfs});
      all.push_back({k, ENOSPC, syncfs});
    }
    all.push_back({FaultKind::kWrite, 0, syncfs});
  }
  return all;
}

INSTANTIATE_TEST_SUITE_P(AllFaults, FaultInjectionTest, ::testing::ValuesIn(AllScenarios()),
                         [](const ::testing::TestParamInfo<Scenario>& info) {
                           std::string n = Name(info.param);
                           for (char& c : n)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

}  // namespace
}  // namespace bevara::ingest
