#include "ingest/validate/report.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <sstream>

#include "src/common/utf8.h"

namespace bevara::ingest {
namespace {

// Reports stay readable (and bounded) when one rule fails 100,000 times.
constexpr size_t kMaxFindingsShownPerRule = ValidationReport::kMaxFindingsKeptPerRule;

// At most `max` bytes, cut on a UTF-8 boundary, marked as cut.
void Truncate(std::string* s, size_t max) {
  if (s->size() > max) *s = CutUtf8(*s, max) + "…";
}

}  // namespace

void ValidationReport::Checked(std::string_view rule) { checked_.emplace(rule); }

void ValidationReport::Checked(std::initializer_list<std::string_view> rules) {
  for (std::string_view r : rules) Checked(r);
}

void ValidationReport::Add(std::string_view rule, std::string message, std::string path, uint64_t line) {
  const RuleInfo* info = FindRule(rule);
  AddAs(info ? info->severity : Severity::kError, rule, std::move(message), std::move(path), line);
}

void ValidationReport::AddAs(Severity severity, std::string_view rule, std::string message, std::string path,
                             uint64_t line) {
  Checked(rule);
  const RuleInfo* info = FindRule(rule);
  // Severity is ordered kError < kWarning < kInfo: the larger is the milder.
  if (info && severity < info->severity) severity = info->severity;
  if (severity == Severity::kError) ++errors_;
  if (severity == Severity::kWarning) ++warnings_;
  // A hostile package cannot make the report (kept for decades, sent on
  // every request) as large as itself: findings past the cap are counted only.
  RuleTally& tally = tallies_[std::string(rule)];
  tally.worst = std::min(tally.worst, severity);
  if (++tally.findings > kMaxFindingsKeptPerRule) return;
  Truncate(&message, kMaxMessageBytes);
  Truncate(&path, kMaxMessageBytes);
  findings_.push_back(Finding{std::string(rule), severity, std::move(message), std::move(path), line});
}

bool ValidationReport::Has(std::string_view rule) const {
  for (const Finding& f : findings_)
    if (f.rule == rule) return true;
  return false;
}

std::string ValidationReport::ToJson() const {
  using nlohmann::json;
  std::map<std::string, std::vector<const Finding*>> by_rule;
  for (const Finding& f : findings_) by_rule[f.rule].push_back(&f);
  json rules = json::array();
  for (const std::string& id : checked_) {
    const RuleInfo* info = FindRule(id);
    Severity sev = info ? info->severity : Severity::kError;
    auto it = by_rule.find(id);
    // The result is the worst of the rule's findings (AddAs may soften one).
    auto tally = tallies_.find(id);
    Severity worst = tally == tallies_.end() ? Severity::kInfo : tally->second.worst;
    json r = {{"id", id},
              {"title", info ? info->title : ""},
              {"severity", SeverityName(sev)},
              {"result", it == by_rule.end() ? "pass" : (worst == Severity::kError ? "fail" : SeverityName(worst))}};
    if (it != by_rule.end()) {
      json list = json::array();
      for (size_t i = 0; i < it->second.size() && i < kMaxFindingsShownPerRule; ++i) {
        const Finding* f = it->second[i];
        json j = {{"message", f->message}};
        if (!f->path.empty() || f->line) {
          j["location"] = {{"path", f->path}};
          if (f->line) j["location"]["line"] = f->line;
        }
        list.push_back(std::move(j));
      }
      r["findings"] = std::move(list);
      r["finding_count"] = tally->second.findings;
    }
    rules.push_back(std::move(r));
  }
  json out = {{"package", package},
              {"format", format},
              {"profile", profile},
              {"objid", objid},
              {"valid", valid()},
              {"summary",
               {{"errors", errors_},
                {"warnings", warnings_},
                {"rules_checked", checked_.size()},
                {"files", file_count},
                {"bytes", total_bytes},
                {"seconds", seconds}}},
              {"rules", std::move(rules)}};
  // Invalid UTF-8 from a hostile package is replaced, never thrown over.
  return out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string ValidationReport::ToText() const {
  std::ostringstream out;
  out << (valid() ? "VALID" : "INVALID") << ": " << package << "\n";
  out << "  format " << format << ", profile " << (profile.empty() ? "unknown" : profile);
  if (!objid.empty()) out << ", OBJID " << objid;
  out << "\n  " << file_count << " files, " << total_bytes << " bytes; " << checked_.size() << " rules checked, "
      << errors_ << " errors, " << warnings_ << " warnings\n";
  std::map<std::string, size_t> shown;
  for (const Finding& f : findings_) {
    if (++shown[f.rule] > kMaxFindingsShownPerRule) continue;
    out << "  " << SeverityName(f.severity) << " " << f.rule << ": " << f.message;
    if (!f.path.empty()) out << " [" << f.path << (f.line ? ":" + std::to_string(f.line) : "") << "]";
    out << "\n";
  }
  for (const auto& [rule, tally] : tallies_) {
    if (tally.findings > kMaxFindingsShownPerRule) {
      out << "  ... " << (tally.findings - kMaxFindingsShownPerRule) << " more findings for " << rule << "\n";
    }
  }
  return out.str();
}

}  // namespace bevara::ingest
