// The real `bevara` binary, run as a user would: exit codes and outputs.
#include <cstdio>
#include <cstdlib>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli/run_bevara.h"
#include "tests/test_util.h"

namespace bevara {
namespace {

using testing::CommandRun;
using testing::RunBevara;

TEST(ValidateCommandTest, RulesPrintsTheRequirementTableAndMisuseTouchesNothing) {
  CommandRun table = RunBevara("validate --rules");
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_NE(table.out.find("| CSIP78 | MUST | `CSIP78` |"), std::string::npos) << table.out;
  CommandRun json = RunBevara("validate --rules --format json");
  ASSERT_EQ(json.exit_code, 0);
  nlohmann::json list = nlohmann::json::parse(json.out);
  EXPECT_GT(list.size(), 170u);
  for (const char* misuse : {"validate --rules some.zip", "validate", "validate --format markdown x.zip",
                             "validate --rules --report r.json"}) {
    CommandRun r = RunBevara(misuse);
    EXPECT_EQ(r.exit_code, 2) << misuse;
    EXPECT_EQ(r.out, "") << misuse;
    CommandRun said = testing::RunShell(std::string(BEVARA_BINARY) + " " + misuse + " 2>&1 >/dev/null");
    EXPECT_NE(said.out.find("bevara validate"), std::string::npos) << misuse << ": " << said.out;
  }
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
