// UserStore: the people who log in to the web interface (archivists,
// auditors, admins), with a password and a TOTP second factor. Machines
// use tokens (token_store.h); a person never gets one from here.
//
// A password is kept only as an Argon2id hash (libsodium's crypto_pwhash_str
// with its "interactive" limits, 64 MiB and 2 passes: memory-hard against
// guessing on GPUs, above OWASP's floor of 19 MiB). One hash is computed at
// a time, so a burst of logins costs time, not memory. The TOTP secret
// cannot be a hash: the server must compute the code. It is kept in the log
// beside it, which is readable by the server's user alone (mode 0600 in a
// 0700 directory), as the token hashes are.
//
// Storage: <dir>/users.log, a RecordLog of changes ("create", "reset",
// "disable"), each appended and fsynced before it is answered. `bevara user`
// may run while the server does: the server reads what was appended before
// the next login.
//
// Thread-safety: safe for concurrent use, and across processes.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "src/access/principal.h"
#include "src/common/env.h"
#include "src/common/mutex.h"
#include "src/common/record_log.h"
#include "src/common/result.h"

namespace bevara::access {

struct UserInfo {
  std::string name;
  Role role = Role::kAnonymous;
  std::string created, changed;  // RFC 3339: created; the last reset
  std::string disabled;          // RFC 3339 of the disabling; empty: may log in
  std::string password_hash;     // Argon2id, libsodium's string form
  std::string totp_secret;       // base32
};

// What a person is told once, when credentials are made.
struct NewCredentials {
  std::string password;     // as given, or generated when none was
  std::string totp_secret;  // base32, to type into an authenticator app
  std::string totp_uri;     // otpauth://..., the same as a link or QR code
};

enum class LoginOutcome { kOk, kUnknown, kBadPassword, kBadCode, kReplayed, kDisabled };
const char* LoginOutcomeName(LoginOutcome outcome);

class UserStore {
 public:
  // Opens (creating) the store in `dir`. REQUIRES: env outlives it.
  static Result<std::unique_ptr<UserStore>> Open(Env* env, const std::string& dir);

  // A new person. InvalidArgument for a name that is not [a-z0-9._-]{1,64},
  // a role that is not archivist, auditor or admin, or a password shorter
  // than 12 characters (empty: one is generated); AlreadyExists for a name
  // taken (also by a disabled user: names in the audit log stay unique).
  Result<NewCredentials> Create(const std::string& name, Role role, const std::string& password);
  // A new password (or a generated one) and a new TOTP secret; a disabled
  // user may log in again. NotFound for an unknown name.
  Result<NewCredentials> Reset(const std::string& name, const std::string& password);
  // NotFound for an unknown name; OK if already disabled.
  Status Disable(const std::string& name);

  // Checks a login: the password against its hash (also for an unknown
  // name, against a stand-in, so the time taken does not tell which names
  // exist), then the TOTP code for the current 30-second step, one step of
  // drift each way; a code already used is refused (kReplayed). On kOk,
  // *user is filled in.
  LoginOutcome Verify(const std::string& name, const std::string& password, const std::string& code,
                      uint64_t unix_seconds, UserInfo* user);

  // Whether `name` may still log in (exists, not disabled): sessions ask on
  // every request, so that a disabled person is out at once.
  bool Active(const std::string& name);
  // The time of the user's last credentials (creation or reset) if the user
  // may log in, else empty: a session made before a reset, or before a
  // disable and a reset, has another and is over.
  std::string CredentialsSince(const std::string& name);

  Result<std::vector<UserInfo>> List();

 private:
  UserStore(Env* env, std::string dir) : env_(env), dir_(std::move(dir)) {}
  Status Apply(std::string_view payload) REQUIRES(mu_);
  Status AppendLocked(const nlohmann::json& change) REQUIRES(mu_);
  Status RefreshIfChanged() EXCLUDES(mu_);
  // A password (given or made) and a TOTP secret for `name`, and the
  // password's hash in *hash.
  Result<NewCredentials> Credentials(const std::string& name, const std::string& password, std::string* hash);
  // The Argon2id string of `password` (one hash at a time).
  Result<std::string> HashPassword(const std::string& password) EXCLUDES(hash_mu_);

  Env* env_;
  std::string dir_;
  std::unique_ptr<RecordLog> log_;  // set once by Open; appends with mu_ held
  Mutex hash_mu_;  // one Argon2id computation at a time
  Mutex mu_;
  std::map<std::string, UserInfo> users_ GUARDED_BY(mu_);
  std::map<std::string, uint64_t> last_step_ GUARDED_BY(mu_);  // the TOTP step each user last logged in with
};

// Whether `name` may name a user: [a-z0-9._-]{1,64}, not starting with '.' or '-'.
bool IsUserName(const std::string& name);

}  // namespace bevara::access
