// What bevara does with every requirement of E-ARK CSIP 2.1 (structure and
// METS), E-ARK SIP 2.1 and the Swedish FGS profiles: checked under its own
// rule id, checked under another rule, or not checked and why. README's
// requirement table is this list, printed by `bevara validate --rules`; a
// test keeps the two the same.
#pragma once

#include <span>
#include <string>

namespace bevara::ingest {

struct RequirementCoverage {
  const char* id;     // CSIP1, CSIPSTR4, SIP2, ...
  const char* level;  // MUST, SHOULD, MAY
  // The rule ids that check it ("" when none) and a note: how, or why not.
  const char* rules;
  const char* note;
};

std::span<const RequirementCoverage> AllRequirements();

// The table as Markdown (README) or JSON.
std::string RequirementsMarkdown();
std::string RequirementsJson();

}  // namespace bevara::ingest
