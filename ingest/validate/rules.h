// The catalog of validation rules: every rule bevara checks, with a stable
// id, a severity and a one-line title. Ids are CSIP requirement ids where the
// E-ARK CSIP specification has one, otherwise bevara's own (PKG-*, XML-*,
// METS-*, FILE-*). Ids never change meaning once published: reports are kept
// for decades.
#pragma once

#include <span>
#include <string_view>

namespace bevara::ingest {

enum class Severity { kError, kWarning, kInfo };

struct RuleInfo {
  const char* id;
  Severity severity;
  const char* title;
};

std::span<const RuleInfo> AllRules();
// nullptr for an unknown id.
const RuleInfo* FindRule(std::string_view id);
const char* SeverityName(Severity s);

}  // namespace bevara::ingest
