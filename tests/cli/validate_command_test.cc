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
