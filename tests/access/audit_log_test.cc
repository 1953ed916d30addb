#include "src/access/audit_log.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "tests/server/server_fixture.h"
#include "tests/test_util.h"

namespace bevara::access {
namespace {

using testing::TempDir;

std::vector<std::string> Lines(const std::string& path) {
  std::istringstream in(testing::ReadFile(path));
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

void WriteLines(const std::string& path, const std::vector<std::string>& lines) {
  std::ofstream out(path, std::ios::trunc);
  for (const auto& l : lines) out << l << "\n";
}

void WriteLog(const std::string& dir, int entries) {
  auto log = AuditLog::Open(Env::Default(), dir);
  ASSERT_TRUE(log.ok());
  for (int i = 0; i < entries; ++i) {
    ASSERT_TRUE((*log)->Append({"tok" + std::to_string(i), "archivist", "file.read", "pkg/" + std::to_string(i), "ok", "", "127.0.0.1"}).ok());
  }
}

LogVerification Verify(const std::string& dir) {
  auto v = VerifyAuditLog(Env::Default(), dir);
  EXPECT_TRUE(v.ok());
  return *v;
}

TEST(AuditLog, AnIntactChainVerifies) {
  TempDir dir;
  WriteLog(dir.path(), 10);
  WriteLog(dir.path(), 5);  // reopened: the chain continues
  LogVerification v = Verify(dir.path());
  EXPECT_TRUE(v.ok()) << v.problem;
  EXPECT_EQ(v.entries, 15u);
}

TEST(AuditLog, AChangedEntryIsFound) {
  TempDir dir;
  WriteLog(dir.path(), 10);
  auto lines = Lines(dir.Join("audit.log"));
  auto at = lines[4].find("pkg/4");
  lines[4].replace(at, 5, "pkg/9");
  WriteLines(dir.Join("audit.log"), lines);
  LogVerification v = Verify(dir.path());
  EXPECT_FALSE(v.ok());
  EXPECT_EQ(v.line, 5u);
}

TEST(AuditLog, ARemovedEntryIsFound) {
  TempDir dir;
  WriteLog(dir.path(), 10);
  auto lines = Lines(dir.Join("audit.log"));
  lines.erase(lines.begin() + 3);
  WriteLines(dir.Join("audit.log"), lines);
  EXPECT_FALSE(Verify(dir.path()).ok());
}

TEST(AuditLog, ReorderedEntriesAreFound) {
  TempDir dir;
  WriteLog(dir.path(), 10);
  auto lines = Lines(dir.Join("audit.log"));
  std::swap(lines[2], lines[6]);
  WriteLines(dir.Join("audit.log"), lines);
  EXPECT_FALSE(Verify(dir.path()).ok());
}

TEST(AuditLog, EntriesCutFromTheEndAreFound) {
  TempDir dir;
  WriteLog(dir.path(), 10);
  auto lines = Lines(dir.Join("audit.log"));
  lines.resize(7);
  WriteLines(dir.Join("audit.log"), lines);
  LogVerification v = Verify(dir.path());
  EXPECT_FALSE(v.ok());
  EXPECT_NE(v.problem.find("removed from the end"), std::string::npos) << v.problem;
}

TEST(AuditLog, ATornLastLineFromACrashIsCutAtTheNextOpen) {
  TempDir dir;
  WriteLog(dir.path(), 3);
  std::ofstream(dir.Join("audit.log"), std::ios::app) << "{\"seq\":4,\"tim";
  WriteLog(dir.path(), 2);
  LogVerification v = Verify(dir.path());
  EXPECT_TRUE(v.ok()) << v.problem;
  EXPECT_EQ(v.entries, 5u);
}

TEST(AuditLog, TwoWritersKeepOneChain) {
  TempDir dir;
  auto a = AuditLog::Open(Env::Default(), dir.path());
  auto b = AuditLog::Open(Env::Default(), dir.path());
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(((i % 3) ? *a : *b)->Append({"t", "admin", "token.create", std::to_string(i), "ok", "", ""}).ok());
  }
  a->reset();
  b->reset();
  LogVerification v = Verify(dir.path());
  EXPECT_TRUE(v.ok()) << v.problem;
  EXPECT_EQ(v.entries, 20u);
}

}  // namespace
}  // namespace bevara::access
