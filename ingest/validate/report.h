// ValidationReport: the verdict on one package, rule by rule.
//
// Every rule that was checked is listed with its result, whether it passed or
// not, so an archivist can see what was verified as well as what failed.
// Findings carry the package path and, for XML, the line.
//
// Thread-safety: one thread at a time.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ingest/validate/rules.h"

namespace bevara::ingest {

struct Finding {
  std::string rule;
  Severity severity = Severity::kError;
  std::string message;
  std::string path;   // package-relative, may be empty
  uint64_t line = 0;  // 0 when not in an XML document
};

class ValidationReport {
 public:
  // Marks rules as checked; a checked rule without findings has passed.
  void Checked(std::string_view rule);
  void Checked(std::initializer_list<std::string_view> rules);
  // Adds a finding with the rule's catalog severity (error for unknown ids).
  void Add(std::string_view rule, std::string message, std::string path = {}, uint64_t line = 0);
  // Adds a finding less severe than its rule: the SHOULD part of a MUST
  // requirement (CSIP1's folder name). Never more severe than the catalog's.
  void AddAs(Severity severity, std::string_view rule, std::string message, std::string path = {},
             uint64_t line = 0);

  bool valid() const { return errors_ == 0; }
  size_t error_count() const { return errors_; }
  size_t warning_count() const { return warnings_; }
  // The findings kept: at most kMaxFindingsKeptPerRule per rule (the counts
  // above and finding_count in JSON count them all).
  const std::vector<Finding>& findings() const { return findings_; }
  static constexpr size_t kMaxFindingsKeptPerRule = 200;
  static constexpr size_t kMaxMessageBytes = 1000;
  // True when a finding with this rule id exists.
  bool Has(std::string_view rule) const;

  // Facts about the package, shown at the top of the report.
  std::string package, format, profile, objid;
  uint64_t file_count = 0, total_bytes = 0;
  double seconds = 0;

  std::string ToJson() const;
  std::string ToText() const;

 private:
  std::set<std::string, std::less<>> checked_;  // ordered for stable output
  std::vector<Finding> findings_;
  struct RuleTally {
    size_t findings = 0;                 // kept or not
    Severity worst = Severity::kInfo;    // of all of them
  };
  std::map<std::string, RuleTally, std::less<>> tallies_;
  size_t errors_ = 0, warnings_ = 0;
};

}  // namespace bevara::ingest
