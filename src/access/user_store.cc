#include "src/access/user_store.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "src/access/totp.h"
#include "src/common/file_util.h"
#include "src/common/json_util.h"
#include "src/common/clock.h"
#include "src/common/random.h"

namespace bevara::access {
namespace {

constexpr size_t kMinPassword = 12, kMaxPassword = 1024;

// A hash of a password nobody has, checked when the name is unknown so that
// the answer takes as long as for a real user.
const std::string& StandInHash() {
  static const std::string hash = [] {
    char out[crypto_pwhash_STRBYTES];
    const std::string unused = RandomHex(16);
    if (crypto_pwhash_str(out, unused.data(), unused.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
      return std::string();
    }
    return std::string(out);
  }();
  return hash;
}

bool PasswordMatches(const std::string& hash, const std::string& password) {
  if (hash.empty() || password.size() > kMaxPassword) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool Assignable(Role role) { return role == Role::kArchivist || role == Role::kAuditor || role == Role::kAdmin; }

}  // namespace

const char* LoginOutcomeName(LoginOutcome outcome) {
  switch (outcome) {
    case LoginOutcome::kOk: return "ok";
    case LoginOutcome::kUnknown: return "unknown user";
    case LoginOutcome::kBadPassword: return "wrong password";
    case LoginOutcome::kBadCode: return "wrong one-time code";
    case LoginOutcome::kReplayed: return "one-time code already used";
    case LoginOutcome::kDisabled: return "user disabled";
  }
  return "unknown user";
}

bool IsUserName(const std::string& name) {
  if (name.empty() || name.size() > 64 || name[0] == '.' || name[0] == '-') return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) return false;
  }
  return true;
}

Result<std::unique_ptr<UserStore>> UserStore::Open(Env* env, const std::string& dir) {
  if (sodium_init() < 0) return Status::IOError("libsodium could not start");
  BEVARA_RETURN_IF_ERROR(env->CreateDir(dir, kDefaultDirMode));
  std::unique_ptr<UserStore> store(new UserStore(env, dir));
  UserStore* self = store.get();
  RecordLogOptions options;
  options.on_record = [self](uint64_t, std::string_view payload) {
    self->mu_.AssertHeld();  // the log calls back while a writer holds it
    return self->Apply(payload);
  };
  MutexLock lock(&store->mu_);
  auto log = RecordLog::Open(env, dir + "/users.log", options);
  if (!log.ok()) return log.status();
  store->log_ = std::move(*log);
  return store;
}

Status UserStore::Apply(std::string_view payload) {
  auto damaged = [&](const std::string& why) { return Status::Corruption(dir_ + "/users.log: " + why); };
  auto j = nlohmann::json::parse(payload, nullptr, false);
  if (!j.is_object()) return damaged("a record that is not JSON");
  auto text = [&](const char* key) { return JsonStringField(j, key); };
  const std::string op = text("op"), name = text("name");
  if (!IsUserName(name)) return damaged("a record without a user name");
  if (op == "create") {
    auto role = ParseRole(text("role"));
    if (!role || !Assignable(*role)) return damaged("user " + name + " has an unknown role");
    UserInfo u{name, *role, text("at"), text("at"), "", text("password"), text("totp")};
    users_[name] = std::move(u);
  } else if (op == "reset" || op == "disable") {
    auto it = users_.find(name);
    if (it == users_.end()) return damaged("a change of user " + name + " before its creation");
    if (op == "reset") {
      it->second.password_hash = text("password");
      it->second.totp_secret = text("totp");
      it->second.changed = text("at");
      it->second.disabled.clear();
      last_step_.erase(name);
    } else if (it->second.disabled.empty()) {
      it->second.disabled = text("at");
    }
  } else {
    // A change this bevara does not know could take rights away: refuse.
    return damaged("a change '" + op + "' this bevara does not know");
  }
  return Status::OK();
}

Status UserStore::AppendLocked(const nlohmann::json& change) {
  const std::string payload = change.dump();
  auto appended = log_->Append(payload, /*sync=*/true);  // catches up with other processes first
  if (!appended.ok()) return appended.status();
  return Apply(payload);
}

Status UserStore::RefreshIfChanged() {
  auto size = env_->Stat(dir_ + "/users.log");
  if (size.ok() && size->size == log_->size()) return Status::OK();
  MutexLock lock(&mu_);
  return log_->CatchUp();
}

Result<NewCredentials> UserStore::Credentials(const std::string& name, const std::string& password,
                                              std::string* hash) {
  NewCredentials c;
  c.password = password.empty() ? RandomHex(12) : password;  // 96 bits
  if (c.password.size() < kMinPassword) {
    return Status::InvalidArgument("a password has at least 12 characters (leave it out to have one made)");
  }
  if (c.password.size() > kMaxPassword) return Status::InvalidArgument("a password has at most 1024 characters");
  c.totp_secret = NewTotpSecret();
  if (c.totp_secret.empty()) return Status::IOError("no random bytes for the one-time code secret");
  c.totp_uri = TotpUri(name, c.totp_secret);
  auto hashed = HashPassword(c.password);
  if (!hashed.ok()) return hashed.status();
  *hash = std::move(*hashed);
  return c;
}

Result<std::string> UserStore::HashPassword(const std::string& password) {
  char hash[crypto_pwhash_STRBYTES];
  MutexLock hashing(&hash_mu_);
  if (crypto_pwhash_str(hash, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Status::ResourceExhausted("not enough memory to hash the password");
  }
  return std::string(hash);
}

Result<NewCredentials> UserStore::Create(const std::string& name, Role role, const std::string& password) {
  if (!IsUserName(name)) {
    return Status::InvalidArgument("a user name is 1-64 of a-z, 0-9, '.', '_' and '-', not starting with '.' or '-'");
  }
  if (!Assignable(role)) return Status::InvalidArgument("a person is an archivist, an auditor or an admin");
  std::string hash;
  auto c = Credentials(name, password, &hash);
  if (!c.ok()) return c.status();
  MutexLock lock(&mu_);
  BEVARA_RETURN_IF_ERROR(log_->CatchUp());
  if (users_.count(name)) return Status::AlreadyExists("there is already a user '" + name + "'");
  BEVARA_RETURN_IF_ERROR(AppendLocked({{"op", "create"}, {"name", name}, {"role", RoleName(role)},
                                       {"password", hash}, {"totp", c->totp_secret}, {"at", NowRfc3339(env_)}}));
  return c;
}

Result<NewCredentials> UserStore::Reset(const std::string& name, const std::string& password) {
  std::string hash;
  auto c = Credentials(name, password, &hash);
  if (!c.ok()) return c.status();
  MutexLock lock(&mu_);
  BEVARA_RETURN_IF_ERROR(log_->CatchUp());
  if (!users_.count(name)) return Status::NotFound("no user '" + name + "'");
  BEVARA_RETURN_IF_ERROR(AppendLocked(
      {{"op", "reset"}, {"name", name}, {"password", hash}, {"totp", c->totp_secret}, {"at", NowRfc3339(env_)}}));
  return c;
}

Status UserStore::Disable(const std::string& name) {
  MutexLock lock(&mu_);
  BEVARA_RETURN_IF_ERROR(log_->CatchUp());
  auto it = users_.find(name);
  if (it == users_.end()) return Status::NotFound("no user '" + name + "'");
  if (!it->second.disabled.empty()) return Status::OK();
  return AppendLocked({{"op", "disable"}, {"name", name}, {"at", NowRfc3339(env_)}});
}

LoginOutcome UserStore::Verify(const std::string& name, const std::string& password, const std::string& code,
                               uint64_t unix_seconds, UserInfo* user) {
  // A log that cannot be read may hold a disabling: nobody logs in then.
  if (Status s = RefreshIfChanged(); !s.ok()) {
    env_->Log(LogLevel::kError, "users: " + s.ToString());
    return LoginOutcome::kUnknown;
  }
  std::optional<UserInfo> found;
  {
    MutexLock lock(&mu_);
    auto it = users_.find(name);
    if (it != users_.end()) found = it->second;
  }
  bool password_ok;
  {
    MutexLock hashing(&hash_mu_);
    password_ok = PasswordMatches(found ? found->password_hash : StandInHash(), password);
  }
  if (!found) return LoginOutcome::kUnknown;
  if (!password_ok) return LoginOutcome::kBadPassword;
  auto step = MatchTotp(found->totp_secret, code, unix_seconds / 30);
  if (!step) return LoginOutcome::kBadCode;
  MutexLock lock(&mu_);
  auto it = users_.find(name);
  if (it == users_.end() || it->second.password_hash != found->password_hash) return LoginOutcome::kBadPassword;
  if (!it->second.disabled.empty()) return LoginOutcome::kDisabled;
  auto last = last_step_.find(name);
  if (last != last_step_.end() && *step <= last->second) return LoginOutcome::kReplayed;
  last_step_[name] = *step;
  *user = it->second;
  return LoginOutcome::kOk;
}

bool UserStore::Active(const std::string& name) { return !CredentialsSince(name).empty(); }

std::string UserStore::CredentialsSince(const std::string& name) {
  if (!RefreshIfChanged().ok()) return {};
  MutexLock lock(&mu_);
  auto it = users_.find(name);
  if (it == users_.end() || !it->second.disabled.empty()) return {};
  return it->second.changed;
}

Result<std::vector<UserInfo>> UserStore::List() {
  MutexLock lock(&mu_);
  BEVARA_RETURN_IF_ERROR(log_->CatchUp());
  std::vector<UserInfo> out;
  for (const auto& [name, u] : users_) out.push_back(u);
  return out;
}

}  // namespace bevara::access
