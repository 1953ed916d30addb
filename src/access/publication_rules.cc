#include "src/access/publication_rules.h"

#include <nlohmann/json.hpp>

#include "src/common/clock.h"
#include "src/common/json_util.h"
#include "src/common/random.h"

namespace bevara::access {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PublicationRule, id, creator, classification_code, record_type,
                                                date_from, date_to, reason, by, at, revoked_by, revoked_at)

namespace {

bool IsDate(const std::string& s) { return s.size() == 10 && StartsWithIsoDate(s); }

constexpr size_t kMaxField = 1024;

}  // namespace

bool RuleMatches(const PublicationRule& rule, const RuleSubject& r) {
  if (!rule.active() || rule.creator.empty() || rule.creator != r.creator) return false;
  if (!rule.classification_code.empty()) {
    const std::string& c = rule.classification_code;
    const bool prefix = c.back() == '.';
    if (prefix ? r.classification_code.compare(0, c.size(), c) != 0 : r.classification_code != c) return false;
  }
  if (!rule.record_type.empty() && rule.record_type != r.record_type) return false;
  // A date range needs the record to have a date.
  if (!rule.date_from.empty() && (!IsDate(r.date) || r.date < rule.date_from)) return false;
  if (!rule.date_to.empty() && (!IsDate(r.date) || r.date > rule.date_to)) return false;
  return true;
}

Result<std::unique_ptr<PublicationRules>> PublicationRules::Open(Env* env, const std::string& dir) {
  BEVARA_RETURN_IF_ERROR(env->CreateDir(dir, kDefaultDirMode));
  std::unique_ptr<PublicationRules> rules(new PublicationRules(env));
  PublicationRules* self = rules.get();
  RecordLogOptions options;
  options.on_record = [self](uint64_t, std::string_view payload) {
    self->mu_.AssertHeld();  // the log calls back while Open (below) holds it
    return self->Apply(payload);
  };
  MutexLock lock(&rules->mu_);
  auto log = RecordLog::Open(env, dir + "/publication-rules.log", options);
  if (!log.ok()) return log.status();
  rules->log_ = std::move(*log);
  return rules;
}

Status PublicationRules::Apply(std::string_view payload) {
  auto rule = ParseJsonAs<PublicationRule>(payload);
  if (!rule.ok() || rule->id.empty()) {
    return Status::Corruption("publication rules: a record that is not a rule");
  }
  rules_[rule->id] = std::move(*rule);
  return Status::OK();
}

Result<PublicationRule> PublicationRules::Add(PublicationRule rule, const std::string& now) {
  if (rule.creator.empty()) return Status::InvalidArgument("a publication rule names the creator (arkivbildare) it covers");
  if (rule.reason.empty() || rule.by.empty()) return Status::InvalidArgument("a publication rule needs a reason");
  for (const std::string* d : {&rule.date_from, &rule.date_to}) {
    if (!d->empty() && !IsDate(*d)) return Status::InvalidArgument("date_from and date_to are dates, YYYY-MM-DD");
  }
  for (const std::string* f : {&rule.creator, &rule.classification_code, &rule.record_type, &rule.reason}) {
    if (f->size() > kMaxField) return Status::InvalidArgument("a field of the rule is longer than 1024 bytes");
  }
  rule.id = "rule-" + RandomHex(8);
  rule.at = now;
  rule.revoked_by.clear();
  rule.revoked_at.clear();
  MutexLock lock(&mu_);
  BEVARA_RETURN_IF_ERROR(log_->Append(ToJsonText(rule), /*sync=*/true).status());
  rules_[rule.id] = rule;
  return rule;
}

Result<PublicationRule> PublicationRules::Revoke(const std::string& id, const std::string& by, const std::string& now) {
  MutexLock lock(&mu_);
  auto it = rules_.find(id);
  if (it == rules_.end()) return Status::NotFound("no publication rule '" + id + "'");
  if (!it->second.active()) return it->second;
  PublicationRule revoked = it->second;
  revoked.revoked_by = by;
  revoked.revoked_at = now;
  BEVARA_RETURN_IF_ERROR(log_->Append(ToJsonText(revoked), /*sync=*/true).status());
  it->second = revoked;
  return revoked;
}

std::optional<PublicationRule> PublicationRules::Find(const std::string& id) {
  MutexLock lock(&mu_);
  auto it = rules_.find(id);
  if (it == rules_.end()) return std::nullopt;
  return it->second;
}

bool PublicationRules::Active(const std::string& id) {
  MutexLock lock(&mu_);
  auto it = rules_.find(id);
  return it != rules_.end() && it->second.active();
}

std::vector<PublicationRule> PublicationRules::List() {
  MutexLock lock(&mu_);
  std::vector<PublicationRule> out;
  for (const auto& [id, rule] : rules_) out.push_back(rule);
  return out;
}

std::optional<PublicationRule> PublicationRules::Match(const RuleSubject& record) {
  MutexLock lock(&mu_);
  for (const auto& [id, rule] : rules_) {
    if (RuleMatches(rule, record)) return rule;
  }
  return std::nullopt;
}

}  // namespace bevara::access
