// The record log: what it keeps, what it sets aside, and the damage it
// names instead of skipping.
#include "src/common/record_log.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "src/common/file_util.h"
#include "tests/support/fault_injection_env.h"
#include "tests/test_util.h"

namespace bevara {
namespace {

using testing::FaultInjectionEnv;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

struct Opened {
  std::unique_ptr<RecordLog> log;
  // Shared with the log's callback, which outlives the moves of an Opened.
  std::shared_ptr<std::vector<std::pair<uint64_t, std::string>>> seen =
      std::make_shared<std::vector<std::pair<uint64_t, std::string>>>();
  const std::vector<std::pair<uint64_t, std::string>>& records() const { return *seen; }
};

Result<Opened> OpenLog(Env* env, const std::string& path, const std::string& legacy = {}) {
  Opened out;
  RecordLogOptions options;
  options.legacy_path = legacy;
  options.on_record = [seen = out.seen](uint64_t offset, std::string_view payload) {
    seen->emplace_back(offset, std::string(payload));
    return Status::OK();
  };
  auto log = RecordLog::Open(env, path, options);
  if (!log.ok()) return log.status();
  out.log = std::move(*log);
  return out;
}

std::vector<std::string> Payloads(const Opened& o) {
  std::vector<std::string> out;
  for (const auto& [offset, p] : o.records()) out.push_back(p);
  return out;
}

// A log of `n` synced records "{\"n\":i}", closed.
void WriteRecords(const std::string& path, int n) {
  auto o = OpenLog(Env::Default(), path);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  for (int i = 0; i < n; ++i) ASSERT_TRUE(o->log->Append("{\"n\":" + std::to_string(i) + "}").ok());
}

std::vector<std::string> Expected(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back("{\"n\":" + std::to_string(i) + "}");
  return out;
}

TEST(RecordLogTest, AppendsAreReadBackInOrderAndByOffset) {
  TempDir dir;
  const std::string path = dir.Join("x.log");
  std::vector<uint64_t> offsets;
  {
    auto o = OpenLog(Env::Default(), path);
    ASSERT_TRUE(o.ok()) << o.status().ToString();
    EXPECT_TRUE(o->records().empty());
    for (const std::string& p : {std::string("{\"a\":1}"), std::string("{}"), std::string(100000, 'x'),
                                 std::string("line\nbreak")}) {
      auto at = o->log->Append(p);
      ASSERT_TRUE(at.ok()) << at.status().ToString();
      offsets.push_back(*at);
    }
    auto back = o->log->ReadAt(offsets[2]);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, std::string(100000, 'x'));
    EXPECT_FALSE(o->log->ReadAt(offsets[2] + 1).ok());
  }
  auto o = OpenLog(Env::Default(), path);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  ASSERT_EQ(o->records().size(), 4u);
  EXPECT_EQ(o->records()[3].second, "line\nbreak");
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(o->records()[i].first, offsets[i]);
  // The log reads as text: a header line, then length, checksum and payload.
  EXPECT_EQ(ReadFile(path).rfind("#bevara-record-log 1\n00000007 ", 0), 0u);
  RecordLogStats stats;
  ASSERT_TRUE(ReadRecordLog(Env::Default(), path, nullptr, &stats).ok());
  EXPECT_EQ(stats.records, 4u);
  EXPECT_EQ(stats.unacknowledged_bytes, 0u);
}

TEST(RecordLogTest, ATornTailIsSetAsideAndTheLogGoesOn) {
  TempDir dir;
  const std::string path = dir.Join("x.log");
  WriteRecords(path, 3);
  const std::string intact = ReadFile(path);
  // A crash in the middle of an append that was never acknowledged.
  WriteFile(path, intact + "0000002a 1234abcd {\"half");
  FaultInjectionEnv env(Env::Default());
  auto o = OpenLog(&env, path);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(Payloads(*o), Expected(3));
  EXPECT_EQ(ReadFile(path), intact);
  EXPECT_EQ(ReadFile(path + ".torn-" + std::to_string(intact.size())), "0000002a 1234abcd {\"half");
  ASSERT_EQ(env.logged().size(), 1u);
  EXPECT_NE(env.logged()[0].find("never acknowledged"), std::string::npos) << env.logged()[0];
  ASSERT_TRUE(o->log->Append("{\"n\":3}").ok());
  o->log.reset();
  auto again = OpenLog(Env::Default(), path);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(Payloads(*again), Expected(4));
}

// Every kind of damage to acknowledged records is an error naming the file
// and where: never a skip.
TEST(RecordLogTest, DamageToAcknowledgedRecordsIsAnErrorNamingFileAndOffset) {
  TempDir dir;
  const std::string path = dir.Join("x.log");
  WriteRecords(path, 5);
  const std::string intact = ReadFile(path);
  const size_t second = intact.find("\n0000") + 1;              // where record 1 begins
  const size_t third = intact.find("\n0000", second) + 1;       // record 2
  struct Case {
    std::string name, content;
  };
  std::string flipped = intact;
  flipped[third + 20] ^= 0x01;
  std::string header_flipped = intact;
  header_flipped[third + 3] = 'g';
  const std::vector<Case> cases = {
      {"truncated by 5 bytes", intact.substr(0, intact.size() - 5)},
      {"last record removed", intact.substr(0, intact.rfind("\n0000") + 1)},
      {"a byte flipped in a middle record", flipped},
      {"a middle record's header damaged", header_flipped},
      {"a middle record removed", intact.substr(0, second) + intact.substr(third)},
      {"two records swapped", intact.substr(0, second) + intact.substr(third, intact.find("\n0000", third) + 1 - third) +
                                  intact.substr(second, third - second) +
                                  intact.substr(intact.find("\n0000", third) + 1)},
      {"emptied", "#bevara-record-log 1\n"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    WriteFile(path, c.content);
    auto o = OpenLog(Env::Default(), path);
    ASSERT_FALSE(o.ok());
    EXPECT_EQ(o.status().code(), StatusCode::kCorruption);
    EXPECT_NE(o.status().message().find(path), std::string::npos) << o.status().ToString();
    EXPECT_NE(o.status().message().find("offset"), std::string::npos) << o.status().ToString();
    EXPECT_FALSE(ReadRecordLog(Env::Default(), path, nullptr).ok());
    EXPECT_FALSE(std::filesystem::exists(path + ".torn-" + std::to_string(second)));
  }
  WriteFile(path, intact);
  EXPECT_TRUE(OpenLog(Env::Default(), path).ok());
}

TEST(RecordLogTest, ALostOrDamagedHeadWithRecordsIsAnError) {
  TempDir dir;
  const std::string path = dir.Join("x.log");
  WriteRecords(path, 2);
  const std::string head = ReadFile(path + ".head");
  std::filesystem::remove(path + ".head");
  EXPECT_EQ(OpenLog(Env::Default(), path).status().code(), StatusCode::kCorruption);
  WriteFile(path + ".head", std::string(head.size(), 'x'));
  EXPECT_EQ(OpenLog(Env::Default(), path).status().code(), StatusCode::kCorruption);
  WriteFile(path + ".head", head);
  EXPECT_TRUE(OpenLog(Env::Default(), path).ok());
}

TEST(RecordLogTest, AFailedAppendLeavesNoPartialRecord) {
  TempDir dir;
  const std::string path = dir.Join("x.log");
  FaultInjectionEnv env(Env::Default());
  {
    auto o = OpenLog(&env, path);
    ASSERT_TRUE(o.ok());
    ASSERT_TRUE(o->log->Append("{\"n\":0}").ok());
    env.FailNth(testing::FaultKind::kSync, 1, EIO);
    EXPECT_FALSE(o->log->Append("{\"n\":1}").ok());  // written, not synced: taken back
    ASSERT_TRUE(o->log->Append("{\"n\":2}").ok());
    env.FailNth(testing::FaultKind::kSync, 2, EIO);    // the head's fsync, after the log's
    EXPECT_FALSE(o->log->Append("{\"n\":3}").ok());
    env.FailNth(testing::FaultKind::kWrite, 1, ENOSPC);
    EXPECT_FALSE(o->log->Append("{\"n\":4}").ok());
    ASSERT_TRUE(o->log->Append("{\"n\":5}").ok());
  }
  auto o = OpenLog(Env::Default(), path);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  // A record whose caller was told it failed never becomes part of the log.
  EXPECT_EQ(Payloads(*o), (std::vector<std::string>{"{\"n\":0}", "{\"n\":2}", "{\"n\":5}"}));
}

// A failed fsync after appends made without one: whether those reached the
// disk is unknown, and their callers were told they were appended. The log
// refuses more until it is opened again, which reads what is there.
TEST(RecordLogTest, AFailedSyncAfterUnsyncedAppendsStopsTheLog) {
  TempDir dir;
  const std::string path = dir.Join("x.log");
  FaultInjectionEnv env(Env::Default());
  {
    auto o = OpenLog(&env, path);
    ASSERT_TRUE(o.ok());
    ASSERT_TRUE(o->log->Append("{\"n\":0}", /*sync=*/false).ok());
    env.FailNth(testing::FaultKind::kSync, 1, EIO);
    EXPECT_FALSE(o->log->Append("{\"n\":1}").ok());
    EXPECT_EQ(o->log->Append("{\"n\":2}").status().code(), StatusCode::kIOError);
    EXPECT_EQ(o->log->Sync().code(), StatusCode::kIOError);
  }
  // The record whose fsync failed is cut; the one appended without sync
  // before it is there (here: it reached the page cache, and the log reads it).
  auto o = OpenLog(&env, path);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(Payloads(*o), Expected(1));
  EXPECT_TRUE(o->log->Append("{\"n\":1}").ok());
}

// What is not a legacy file of JSON lines is never read as one: a record
// log damaged at its first byte, or gone with its head left, or gone after
// a migration finished, is damage.
TEST(RecordLogTest, ADamagedLogIsNotMistakenForOneToMigrate) {
  TempDir dir;
  const std::string path = dir.Join("versions.log");
  WriteRecords(path, 2);
  const std::string intact = ReadFile(path);
  WriteFile(path, "x" + intact.substr(1));
  EXPECT_EQ(OpenLog(Env::Default(), path).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ReadFile(path), "x" + intact.substr(1));
  EXPECT_FALSE(std::filesystem::exists(path + ".migrated"));

  std::filesystem::remove(path);
  EXPECT_EQ(OpenLog(Env::Default(), path).status().code(), StatusCode::kCorruption);
  EXPECT_FALSE(std::filesystem::exists(path));

  const std::string migrated = dir.Join("audit.log");
  WriteFile(migrated, "{\"n\":0}\n");
  ASSERT_TRUE(OpenLog(Env::Default(), migrated).ok());
  std::filesystem::remove(migrated);
  std::filesystem::remove(migrated + ".head");
  EXPECT_EQ(OpenLog(Env::Default(), migrated).status().code(), StatusCode::kCorruption);
}

// Without a head, even bytes that do not read as a record are damage, not
// a torn tail: the head is written before the first append.
TEST(RecordLogTest, BytesInALogWithoutAHeadAreDamage) {
  TempDir dir;
  const std::string path = dir.Join("x.log");
  WriteRecords(path, 0);
  std::filesystem::remove(path + ".head");
  WriteFile(path, ReadFile(path) + "0000000");
  EXPECT_EQ(OpenLog(Env::Default(), path).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ReadRecordLog(Env::Default(), path, nullptr).code(), StatusCode::kCorruption);
}

TEST(RecordLogTest, ALogThatShrinksWhileOpenIsDamage) {
  TempDir dir;
  const std::string path = dir.Join("x.log");
  auto o = OpenLog(Env::Default(), path);
  ASSERT_TRUE(o.ok());
  ASSERT_TRUE(o->log->Append("{\"n\":0}").ok());
  ASSERT_TRUE(o->log->Append("{\"n\":1}").ok());
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 9);
  EXPECT_EQ(o->log->CatchUp().code(), StatusCode::kCorruption);
  EXPECT_FALSE(o->log->Append("{\"n\":2}").ok());
}

// A power cut at every step of a series of appends: what was acknowledged
// survives, the log opens, and it goes on.
TEST(RecordLogTest, PowerLossAtEveryStepKeepsWhatWasAcknowledged) {
  for (int crash_after = 1; crash_after < 40; ++crash_after) {
    SCOPED_TRACE("crash after " + std::to_string(crash_after) + " operations");
    TempDir dir;
    const std::string path = dir.Join("x.log");
    FaultInjectionEnv env(Env::Default());
    env.CrashAfter(static_cast<uint64_t>(crash_after));
    int acknowledged = 0;
    {
      auto o = OpenLog(&env, path);
      if (o.ok()) {
        for (int i = 0; i < 6; ++i) {
          if (!o->log->Append("{\"n\":" + std::to_string(i) + "}", i % 2 == 0).ok()) break;
          if (i % 2 == 0) acknowledged = i + 1;
        }
      }
    }
    env.DropUnsyncedData();
    auto o = OpenLog(Env::Default(), path);
    ASSERT_TRUE(o.ok()) << o.status().ToString();
    auto p = Payloads(*o);
    ASSERT_GE(static_cast<int>(p.size()), acknowledged);
    for (size_t i = 0; i < p.size(); ++i) EXPECT_EQ(p[i], Expected(static_cast<int>(p.size()))[i]);
    EXPECT_TRUE(o->log->Append("{\"after\":true}").ok());
  }
}

// Two writers on one log (the server and `bevara token` beside it): each
// sees what the other appended, in the order it was written.
TEST(RecordLogTest, WritersSeeEachOthersRecords) {
  TempDir dir;
  const std::string path = dir.Join("x.log");
  auto a = OpenLog(Env::Default(), path);
  auto b = OpenLog(Env::Default(), path);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(a->log->Append("{\"from\":\"a\"}", /*sync=*/false).ok());
  ASSERT_TRUE(b->log->Append("{\"from\":\"b\"}").ok());
  ASSERT_TRUE(a->log->Append("{\"from\":\"a2\"}").ok());
  EXPECT_EQ(Payloads(*b), std::vector<std::string>{"{\"from\":\"a\"}"});
  ASSERT_TRUE(b->log->CatchUp().ok());
  EXPECT_EQ(Payloads(*b).back(), "{\"from\":\"a2\"}");
  auto c = OpenLog(Env::Default(), path);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(Payloads(*c), (std::vector<std::string>{"{\"from\":\"a\"}", "{\"from\":\"b\"}", "{\"from\":\"a2\"}"}));
}

TEST(RecordLogTest, AReaderBesideAWriterSeesUnsyncedRecordsAsUnacknowledged) {
  TempDir dir;
  const std::string path = dir.Join("x.log");
  auto o = OpenLog(Env::Default(), path);
  ASSERT_TRUE(o.ok());
  ASSERT_TRUE(o->log->Append("{\"n\":0}").ok());
  ASSERT_TRUE(o->log->Append("{\"n\":1}", /*sync=*/false).ok());
  std::vector<std::string> seen;
  RecordLogStats stats;
  ASSERT_TRUE(ReadRecordLog(Env::Default(), path,
                            [&](uint64_t, std::string_view p) {
                              seen.emplace_back(p);
                              return Status::OK();
                            },
                            &stats)
                  .ok());
  EXPECT_EQ(seen, Expected(2));
  EXPECT_GT(stats.unacknowledged_bytes, 0u);
  // A half-written record after them (an append in progress) is not an error for a reader.
  WriteFile(path, ReadFile(path) + "000000");
  EXPECT_TRUE(ReadRecordLog(Env::Default(), path, nullptr).ok());
  // Stopping early is not an error either.
  int calls = 0;
  EXPECT_TRUE(ReadRecordLog(Env::Default(), path, [&](uint64_t, std::string_view) {
                return ++calls == 1 ? Status::StopIteration() : Status::Internal("called again");
              }).ok());
}

TEST(RecordLogTest, JsonLinesOfAnOlderBevaraBecomeRecords) {
  TempDir dir;
  const std::string legacy = dir.Join("tokens.jsonl"), path = dir.Join("tokens.log");
  WriteFile(legacy, "{\"n\":0}\n{\"n\":1}\n{\"torn\"garbage\n\n{\"n\":2}\n{\"n\":3,\"cut");
  FaultInjectionEnv env(Env::Default());
  auto o = OpenLog(&env, path, legacy);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(Payloads(*o), Expected(3));
  EXPECT_FALSE(std::filesystem::exists(legacy));
  EXPECT_EQ(ReadFile(legacy + ".migrated").substr(0, 8), "{\"n\":0}\n");
  ASSERT_FALSE(env.logged().empty());
  EXPECT_NE(env.logged()[0].find("1 lines that were not JSON"), std::string::npos) << env.logged()[0];
  o->log.reset();
  // In place, under the same name (the version log, the audit log).
  const std::string same = dir.Join("versions.log");
  WriteFile(same, "{\"n\":0}\n{\"n\":1}\n");
  auto s = OpenLog(Env::Default(), same);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(Payloads(*s), Expected(2));
  ASSERT_TRUE(s->log->Append("{\"n\":2}").ok());
  s->log.reset();
  auto again = OpenLog(Env::Default(), same);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(Payloads(*again), Expected(3));
  EXPECT_EQ(ReadFile(same + ".migrated"), "{\"n\":0}\n{\"n\":1}\n");
}

// A crash part way through a migration: the next open finishes it.
TEST(RecordLogTest, AMigrationCutShortIsFinishedAtTheNextOpen) {
  for (int crash_after = 1; crash_after < 12; ++crash_after) {
    SCOPED_TRACE("crash after " + std::to_string(crash_after));
    TempDir dir;
    const std::string path = dir.Join("versions.log");
    WriteFile(path, "{\"n\":0}\n{\"n\":1}\n");
    {
      FaultInjectionEnv env(Env::Default());
      env.CrashAfter(static_cast<uint64_t>(crash_after));
      (void)OpenLog(&env, path);
      env.DropUnsyncedData();
    }
    auto o = OpenLog(Env::Default(), path);
    ASSERT_TRUE(o.ok()) << o.status().ToString();
    EXPECT_EQ(Payloads(*o), Expected(2));
  }
}

}  // namespace
}  // namespace bevara
