// The command line as a user (or a script with a typo) meets it: usage
// errors exit 2 and touch nothing; only `init` and `serve --init` create an
// archive; every typed value is checked.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "tests/cli/run_bevara.h"
#include "tests/support/archive_fixture.h"

namespace bevara {
namespace {

namespace fs = std::filesystem;
using testing::CommandRun;
using testing::RunBevara;

// Runs bevara in `dir` (so that ./bevara-data would land there), with
// BEVARA_DATA unset; stdout and stderr together.
CommandRun RunIn(const std::string& dir, const std::string& args) {
  return testing::RunShell("cd '" + dir + "' && env -u BEVARA_DATA " + BEVARA_BINARY + " " + args + " 2>&1");
}

TEST(CommandLineTest, UsageErrorsExitTwoAndTouchNothing) {
  testing::TempDir dir;
  const std::vector<std::string> usage_errors = {
      "audit --rate abc",          "audit --rate -1",        "audit --rate inf",      "audit --format yaml",
      "verify",                    "verify a b",             "export --version 0 x y", "export --version x p d",
      "export --ocfl",             "export p",               "token delete x",        "token create",
      "token create --role king",  "token revoke",           "log verify --checkpoints f",
      "log keygen --public-key k", "serve --port 99999",     "serve --port x",        "serve extra",
      "gc --unknown",              "ingest",                 "validate --format xml p", "init a b",
      "reindex --data",            "formats --rate x",       "formats --format yaml", "formats extra",
      "ingest --config",           "frobnicate"};
  for (const std::string& args : usage_errors) {
    CommandRun run = RunIn(dir.path(), args);
    EXPECT_EQ(run.exit_code, 2) << args << ": " << run.out;
    EXPECT_EQ(run.out.find("terminate called"), std::string::npos) << args;
  }
  EXPECT_TRUE(fs::is_empty(dir.path())) << "a usage error created something";
}

TEST(CommandLineTest, OnlyInitCreatesAnArchive) {
  testing::TempDir dir;
  fs::create_directories(dir.Join("empty"));
  for (const char* command : {"audit", "gc", "rebuild", "reindex", "token list", "log verify", "export --ocfl out"}) {
    for (const char* data : {"missing", "empty"}) {
      CommandRun run = RunIn(dir.path(), std::string(command) + " --data " + data);
      EXPECT_EQ(run.exit_code, 2) << command << " on " << data << ": " << run.out;
      EXPECT_NE(run.out.find(data), std::string::npos) << "names the directory: " << run.out;
      EXPECT_NE(run.out.find("bevara init"), std::string::npos) << run.out;
    }
  }
  CommandRun serve = RunIn(dir.path(), "serve --port 0 --data missing");
  EXPECT_EQ(serve.exit_code, 2) << serve.out;
  EXPECT_FALSE(fs::exists(dir.Join("missing")));
  EXPECT_TRUE(fs::is_empty(dir.Join("empty")));
  EXPECT_FALSE(fs::exists(dir.Join("bevara-data")));

  CommandRun init = RunIn(dir.path(), "init --data=archive");
  EXPECT_EQ(init.exit_code, 0) << init.out;
  EXPECT_EQ(RunIn(dir.path(), "init --data archive").exit_code, 0) << "init is idempotent";
  CommandRun audit = RunIn(dir.path(), "audit --data=archive --rate=5 --format=json");
  EXPECT_EQ(audit.exit_code, 0) << audit.out;
  EXPECT_NE(audit.out.find("\"clean\": true"), std::string::npos) << audit.out;
}

TEST(CommandLineTest, HelpIsNotAnError) {
  for (const char* command : {"audit", "verify", "export", "gc", "rebuild", "reindex", "ingest", "validate", "serve",
                              "token", "log", "init"}) {
    CommandRun run = RunBevara(std::string(command) + " --help");
    EXPECT_EQ(run.exit_code, 0) << command;
    EXPECT_NE(run.out.find("--"), std::string::npos) << command << ": " << run.out;
  }
}

}  // namespace
}  // namespace bevara
