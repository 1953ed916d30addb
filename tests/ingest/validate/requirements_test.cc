#include "ingest/validate/requirements.h"

#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "ingest/validate/rules.h"
#include "tests/test_util.h"

namespace bevara::ingest {
namespace {

std::vector<std::string> Split(const char* list) {
  std::istringstream in(list);
  std::vector<std::string> out;
  for (std::string id; in >> id;) out.push_back(id);
  return out;
}

TEST(RequirementsTest, EveryRuleNamedExistsAndEveryCsipRuleIsListed) {
  std::set<std::string> listed;
  for (const RequirementCoverage& r : AllRequirements()) {
    EXPECT_TRUE(listed.insert(r.id).second) << "listed twice: " << r.id;
    for (const std::string& rule : Split(r.rules)) EXPECT_NE(FindRule(rule), nullptr) << r.id << " names " << rule;
    if (!*r.rules) {
      EXPECT_NE(std::string(r.note), "") << r.id << " is checked by nothing and says not why";
    }
  }
  for (const RuleInfo& rule : AllRules()) {
    std::string id = rule.id;
    bool spec_id = (id.rfind("CSIP", 0) == 0 || id.rfind("SIP", 0) == 0 || id.rfind("FGS1-", 0) == 0);
    if (spec_id) {
      EXPECT_TRUE(listed.count(id)) << id << " is a rule but not in the requirement table";
    }
  }
  // Every CSIP 2.1 requirement id from CSIP1 to CSIP119, SIP1 to SIP35 and
  // CSIPSTR1 to CSIPSTR16.
  for (int i = 1; i <= 119; ++i) {
    if (i == 115) continue;  // no CSIP version has a CSIP115
    EXPECT_TRUE(listed.count("CSIP" + std::to_string(i))) << "CSIP" << i;
  }
  for (int i = 1; i <= 35; ++i) EXPECT_TRUE(listed.count("SIP" + std::to_string(i))) << "SIP" << i;
  for (int i = 1; i <= 16; ++i) {
    EXPECT_TRUE(listed.count("CSIPSTR" + std::to_string(i))) << "CSIPSTR" << i;
  }
}

// A requirement checked under its own id is reported at its level:
// MUST error, SHOULD warning, MAY information.
TEST(RequirementsTest, SeverityFollowsTheRequirementLevel) {
  for (const RequirementCoverage& r : AllRequirements()) {
    const RuleInfo* rule = FindRule(r.id);
    std::string level = r.level;
    if (rule == nullptr || Split(r.rules).empty() || Split(r.rules)[0] != r.id) continue;
    if (level != "MUST" && level != "SHOULD" && level != "MAY") continue;  // CSIP 2.0 requirements
    Severity want = level == "MUST" ? Severity::kError : level == "SHOULD" ? Severity::kWarning : Severity::kInfo;
    EXPECT_EQ(rule->severity, want) << r.id << " is " << level;
  }
}

TEST(RequirementsTest, ReadmeHoldsTheTable) {
  std::string readme = testing::ReadFile(std::string(BEVARA_SOURCE_DIR) + "/README.md");
  EXPECT_NE(readme.find(RequirementsMarkdown()), std::string::npos)
      << "README's requirement table differs from `bevara validate --rules`; paste its output";
}

}  // namespace
}  // namespace bevara::ingest
