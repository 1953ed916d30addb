// TokenStore: the API's bearer tokens, kept only as SHA-256 hashes.
//
// A token is "bvr_" + 64 hex digits: 256 bits from OpenSSL's CSPRNG. Only
// its SHA-256 is stored; the secret is shown once, when it is created. Each
// token also has a public id (12 hex digits) that names it in lists, in the
// audit log and for revocation.
//
// Storage: <dir>/tokens.log, a RecordLog with one JSON record per change
// ("create" or "revoke"), appended and fsynced before the change is
// answered. `bevara token create` may run while the server does: the
// server notices that the log grew and reads what was appended before the
// next authentication. (tokens.jsonl of an older bevara is taken over.)
//
// Thread-safety: safe for concurrent use, and across processes.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "src/access/principal.h"
#include "src/common/env.h"
#include "src/common/mutex.h"
#include "src/common/record_log.h"
#include "src/common/result.h"

namespace bevara::access {

struct TokenInfo {
  std::string id;
  Role role = Role::kAnonymous;
  std::string producer;    // eservice only
  std::string label;       // free text: who or what holds it
  std::string created;     // RFC 3339
  std::string expires;     // RFC 3339; empty: never
  std::string revoked;     // RFC 3339 of the revocation; empty: active
  std::string sha256;      // of the secret, hex
};

struct TokenSpec {
  Role role = Role::kArchivist;
  std::string producer;  // REQUIRED for eservice, refused for the other roles
  std::string expires;   // "YYYY-MM-DD" (valid through that day, UTC) or RFC 3339 UTC; empty: never
  std::string label;
};

struct IssuedToken {
  TokenInfo info;
  std::string secret;  // shown once; never stored
};

enum class AuthOutcome { kOk, kUnknown, kRevoked, kExpired };
const char* AuthOutcomeName(AuthOutcome outcome);

class TokenStore {
 public:
  // Opens (creating) the store in `dir`. REQUIRES: env outlives it.
  static Result<std::unique_ptr<TokenStore>> Open(Env* env, const std::string& dir);

  // InvalidArgument for a spec that does not fit its role or a bad date.
  Result<IssuedToken> Create(const TokenSpec& spec);
  // NotFound for an unknown id; OK (nothing changes) if already revoked.
  Status Revoke(const std::string& id);

  // Looks the secret up by its hash (and compares the hash in constant
  // time). On kOk, *principal is filled in. `now` is RFC 3339.
  AuthOutcome Authenticate(std::string_view secret, const std::string& now, Principal* principal);

  // Every token ever created, oldest first.
  Result<std::vector<TokenInfo>> List();
  // Whether some admin token is neither revoked nor expired.
  Result<bool> HasActiveAdmin(const std::string& now);

  // "2027-01-31" -> "2027-01-31T23:59:59.999Z"; an RFC 3339 UTC time is
  // kept. InvalidArgument otherwise.
  static Result<std::string> NormalizeExpiry(const std::string& text);

 private:
  TokenStore(Env* env, std::string dir);
  // Reads what other processes appended since the last look.
  Status Refresh();
  // Applies one record of the log. REQUIRES: mu_ held exclusively.
  Status Apply(std::string_view payload) REQUIRES(mu_);
  // Appends a change and applies it.
  Status AppendLocked(const nlohmann::json& change) REQUIRES(mu_);
  std::string log_path() const;

  Env* env_;
  std::string dir_;
  // Set once by Open. Thread-safe itself; calls that may apply records
  // (Append, CatchUp) are made with mu_ held exclusively.
  std::unique_ptr<RecordLog> log_;
  SharedMutex mu_;
  std::vector<TokenInfo> tokens_ GUARDED_BY(mu_);
  std::unordered_map<std::string, size_t> by_hash_ GUARDED_BY(mu_), by_id_ GUARDED_BY(mu_);
};

}  // namespace bevara::access
