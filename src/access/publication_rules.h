// PublicationRules: an archivist's standing decision to publish (make
// searchable and downloadable online) the records that match it, for
// example every "protokoll" of one creator's board from 2015 to 2020.
//
// A rule publishes a record only if the record is public ("allmän och
// offentlig") by everything else bevara knows, and bevara read all of its
// files with an extractor it trusts and found no personal identity number
// (services/indexer.h): a rule is never a way around a review.
//
// A rule needs a creator (an unlimited rule is refused), a reason and who
// made it; it can be revoked, never edited (a new rule takes its place).
// Stored append-only in <dir>/publication-rules.log (a RecordLog), one JSON
// record per rule or revocation, fsynced before the change is acknowledged.
//
// Thread-safety: safe for concurrent use; one writing process.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "src/common/env.h"
#include "src/common/mutex.h"
#include "src/common/record_log.h"
#include "src/common/result.h"

namespace bevara::access {

struct PublicationRule {
  std::string id;  // "rule-" + 16 hex digits
  // What a record must match; empty fields match anything, except creator.
  std::string creator;              // exactly, as in the ERMS
  std::string classification_code;  // exactly, or a prefix ending in '.' ("3.2.")
  std::string record_type;          // exactly
  std::string date_from, date_to;   // YYYY-MM-DD, inclusive; the record's date
  std::string reason, by, at;
  std::string revoked_by, revoked_at;  // set once revoked

  bool active() const { return revoked_at.empty(); }
};

// The fields of a record a rule looks at.
struct RuleSubject {
  std::string creator, classification_code, record_type, date;
};

bool RuleMatches(const PublicationRule& rule, const RuleSubject& record);

class PublicationRules {
 public:
  static Result<std::unique_ptr<PublicationRules>> Open(Env* env, const std::string& dir);

  // InvalidArgument without a creator, a reason or who; with a malformed
  // date. Returns the rule with its id. Durable on OK.
  Result<PublicationRule> Add(PublicationRule rule, const std::string& now);
  // NotFound for an unknown id; OK if already revoked. Durable on OK.
  Result<PublicationRule> Revoke(const std::string& id, const std::string& by, const std::string& now);

  std::optional<PublicationRule> Find(const std::string& id);
  // Whether the rule exists and is not revoked. Copies nothing.
  bool Active(const std::string& id);
  std::vector<PublicationRule> List();
  // The first active rule that matches, if any.
  std::optional<PublicationRule> Match(const RuleSubject& record);

 private:
  explicit PublicationRules(Env* env) : env_(env) {}
  Status Apply(std::string_view payload) REQUIRES(mu_);

  Env* const env_;
  Mutex mu_;
  std::unique_ptr<RecordLog> log_ GUARDED_BY(mu_);
  std::map<std::string, PublicationRule> rules_ GUARDED_BY(mu_);
};

}  // namespace bevara::access
