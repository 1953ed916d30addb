// The real `bevara` binary, run as a user would: exit codes and outputs.
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace bevara {
namespace {

struct CommandRun {
  int exit_code;
  std::string out;
};

CommandRun RunBevara(const std::string& args) {
  std::string cmd = std::string(BEVARA_BINARY) + " " + args + " 2>/dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

TEST(ValidateCommandTest, ExitCodesSayValidInvalidOrCouldNotRun) {
  testing::TempDir dir;
  sipgen::SipSpec spec;
  spec.files = 4;
  sipgen::SipPlan plan = sipgen::PlanSip(spec);
  std::string good = testing::WritePackage(plan, "zip", dir, "good");
  plan.EditMets("OBJID=", "XOBJID=");
  std::string bad = testing::WritePackage(plan, "zip", dir, "bad");

  CommandRun ok = RunBevara("validate " + good);
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  EXPECT_EQ(ok.out.rfind("VALID", 0), 0u);
  CommandRun invalid = RunBevara("validate --format json --report " + dir.Join("r.json") + " " + bad);
  EXPECT_EQ(invalid.exit_code, 1);
  auto j = nlohmann::json::parse(invalid.out);
  EXPECT_FALSE(j["valid"].get<bool>());
  EXPECT_EQ(testing::ReadFile(dir.Join("r.json")), invalid.out);
  EXPECT_EQ(RunBevara("validate /nonexistent.tar").exit_code, 2);
  EXPECT_EQ(RunBevara("validate").exit_code, 2);
  EXPECT_EQ(RunBevara("frobnicate").exit_code, 2);
}

}  // namespace
}  // namespace bevara
