#include "src/access/token_store.h"

#include <openssl/crypto.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "src/common/clock.h"
#include "src/common/digest.h"
#include "src/common/file_util.h"
#include "src/common/random.h"

namespace bevara::access {
namespace {

constexpr std::string_view kPrefix = "bvr_";

bool IsDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Another process (the CLI beside the server) may hold the lock for the
// moment an append takes: wait for it, briefly.
Result<std::unique_ptr<FileLock>> LockWithPatience(Env* env, const std::string& path) {
  for (int attempt = 0;; ++attempt) {
    auto lock = env->LockFile(path);
    if (lock.ok() || lock.status().code() != StatusCode::kUnavailable || attempt == 100) return lock;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace

const char* AuthOutcomeName(AuthOutcome outcome) {
  switch (outcome) {
    case AuthOutcome::kOk: return "ok";
    case AuthOutcome::kUnknown: return "unknown token";
    case AuthOutcome::kRevoked: return "revoked token";
    case AuthOutcome::kExpired: return "expired token";
  }
  return "unknown token";
}

TokenStore::TokenStore(Env* env, std::string dir) : env_(env), dir_(std::move(dir)), path_(dir_ + "/tokens.jsonl") {}

Result<std::unique_ptr<TokenStore>> TokenStore::Open(Env* env, const std::string& dir) {
  BEVARA_RETURN_IF_ERROR(env->CreateDir(dir, kDefaultDirMode));
  std::unique_ptr<TokenStore> store(new TokenStore(env, dir));
  BEVARA_RETURN_IF_ERROR(store->Refresh());
  return store;
}

Result<std::string> TokenStore::NormalizeExpiry(const std::string& text) {
  auto date_ok = [](std::string_view d) {
    return d.size() == 10 && IsDigits(d.substr(0, 4)) && d[4] == '-' && IsDigits(d.substr(5, 2)) && d[7] == '-' &&
           IsDigits(d.substr(8, 2)) && d.substr(5, 2) >= "01" && d.substr(5, 2) <= "12" && d.substr(8, 2) >= "01" &&
           d.substr(8, 2) <= "31";
  };
  if (date_ok(text)) return text + "T23:59:59.999Z";
  std::string_view t = text;
  if (t.size() >= 20 && date_ok(t.substr(0, 10)) && t[10] == 'T' && t.back() == 'Z' && IsDigits(t.substr(11, 2)) &&
      t[13] == ':' && IsDigits(t.substr(14, 2)) && t[16] == ':' && IsDigits(t.substr(17, 2))) {
    // Compared as text with NowRfc3339(), which always has milliseconds.
    if (t.size() == 20) return text.substr(0, 19) + ".000Z";
    return text;
  }
  return Status::InvalidArgument("expiry '" + text + "' is neither YYYY-MM-DD nor an RFC 3339 UTC time (…Z)");
}

Status TokenStore::ApplyLine(std::string_view line) {
  auto j = nlohmann::json::parse(line, nullptr, false);
  if (!j.is_object()) return Status::Corruption(path_ + ": unreadable line");
  std::string op = j.value("op", "");
  std::string id = j.value("id", "");
  if (op == "create") {
    TokenInfo t;
    t.id = id;
    auto role = ParseRole(j.value("role", ""));
    if (!role) return Status::Corruption(path_ + ": token " + id + " has an unknown role");
    t.role = *role;
    t.producer = j.value("producer", "");
    t.label = j.value("label", "");
    t.created = j.value("created", "");
    t.expires = j.value("expires", "");
    t.sha256 = j.value("sha256", "");
    by_hash_[t.sha256] = tokens_.size();
    by_id_[t.id] = tokens_.size();
    tokens_.push_back(std::move(t));
  } else if (op == "revoke") {
    auto it = by_id_.find(id);
    if (it != by_id_.end() && tokens_[it->second].revoked.empty()) tokens_[it->second].revoked = j.value("at", "");
  }
  return Status::OK();
}

Status TokenStore::RefreshLocked() {
  auto info = env_->Stat(path_);
  if (!info.ok()) return info.status().IsNotFound() ? Status::OK() : info.status();
  if (info->size == loaded_bytes_) return Status::OK();
  auto text = ReadFileToString(env_, path_, 256u << 20);
  if (!text.ok()) return text.status();
  // Only whole lines: a crash may have torn the last one.
  size_t end = text->rfind('\n');
  if (end == std::string::npos || end + 1 <= loaded_bytes_) return Status::OK();
  std::string_view rest(text->data() + loaded_bytes_, end + 1 - loaded_bytes_);
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    if (!line.empty()) BEVARA_RETURN_IF_ERROR(ApplyLine(line));
    rest.remove_prefix(nl + 1);
  }
  loaded_bytes_ = end + 1;
  return Status::OK();
}

Status TokenStore::Refresh() {
  std::unique_lock lock(mu_);
  return RefreshLocked();
}

Status TokenStore::AppendLocked(const std::string& line) {
  auto file = env_->OpenForAppend(path_);
  if (!file.ok()) return file.status();
  auto size = env_->Stat(path_);
  if (!size.ok()) return size.status();
  // A torn line from a crash must not swallow this one.
  std::string data = (size->size > loaded_bytes_ ? "\n" : "") + line + "\n";
  Status s = (*file)->Append(data.data(), data.size());
  if (s.ok()) s = (*file)->Sync();
  Status closed = (*file)->Close();
  if (!s.ok()) return s;
  if (!closed.ok()) return closed;
  BEVARA_RETURN_IF_ERROR(env_->SyncDir(dir_));  // the file may be new
  return RefreshLocked();
}

Result<IssuedToken> TokenStore::Create(const TokenSpec& spec) {
  if (spec.role == Role::kAnonymous) return Status::InvalidArgument("a token needs a role");
  if (spec.role == Role::kEService && spec.producer.empty()) {
    return Status::InvalidArgument("an eservice token is bound to one producer: give --producer ORG-ID");
  }
  if (spec.role != Role::kEService && !spec.producer.empty()) {
    return Status::InvalidArgument("only eservice tokens are bound to a producer");
  }
  IssuedToken out;
  if (!spec.expires.empty()) {
    auto expires = NormalizeExpiry(spec.expires);
    if (!expires.ok()) return expires.status();
    out.info.expires = *expires;
  }
  out.secret = std::string(kPrefix) + RandomHex(32);
  out.info.id = RandomHex(6);
  out.info.role = spec.role;
  out.info.producer = spec.producer;
  out.info.label = spec.label;
  out.info.created = NowRfc3339(env_);
  out.info.sha256 = Sha256Hex(out.secret);
  nlohmann::json j = {{"op", "create"},          {"id", out.info.id},         {"role", RoleName(spec.role)},
                      {"sha256", out.info.sha256}, {"created", out.info.created}, {"expires", out.info.expires},
                      {"producer", spec.producer}, {"label", spec.label}};
  auto file_lock = LockWithPatience(env_, dir_ + "/tokens.lock");
  if (!file_lock.ok()) return file_lock.status();
  std::unique_lock lock(mu_);
  BEVARA_RETURN_IF_ERROR(RefreshLocked());
  BEVARA_RETURN_IF_ERROR(AppendLocked(j.dump()));
  return out;
}

Status TokenStore::Revoke(const std::string& id) {
  auto file_lock = LockWithPatience(env_, dir_ + "/tokens.lock");
  if (!file_lock.ok()) return file_lock.status();
  std::unique_lock lock(mu_);
  BEVARA_RETURN_IF_ERROR(RefreshLocked());
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return Status::NotFound("no token with id '" + id + "'");
  if (!tokens_[it->second].revoked.empty()) return Status::OK();
  nlohmann::json j = {{"op", "revoke"}, {"id", id}, {"at", NowRfc3339(env_)}};
  return AppendLocked(j.dump());
}

AuthOutcome TokenStore::Authenticate(std::string_view secret, const std::string& now, Principal* principal) {
  if (secret.size() != kPrefix.size() + 64 || secret.substr(0, kPrefix.size()) != kPrefix) return AuthOutcome::kUnknown;
  auto size = env_->Stat(path_);
  {
    std::shared_lock lock(mu_);
    if (size.ok() && size->size != loaded_bytes_) {
      lock.unlock();
      (void)Refresh();  // on failure the tokens known so far still hold
    }
  }
  const std::string hash = Sha256Hex(secret);
  std::shared_lock lock(mu_);
  auto it = by_hash_.find(hash);
  if (it == by_hash_.end()) return AuthOutcome::kUnknown;
  const TokenInfo& t = tokens_[it->second];
  // The map found it by hash; compare again in constant time so that no
  // code path here takes time that depends on how much of a guess matched.
  if (CRYPTO_memcmp(t.sha256.data(), hash.data(), hash.size()) != 0) return AuthOutcome::kUnknown;
  if (!t.revoked.empty()) return AuthOutcome::kRevoked;
  if (!t.expires.empty() && now >= t.expires) return AuthOutcome::kExpired;
  principal->role = t.role;
  principal->token_id = t.id;
  principal->producer = t.producer;
  return AuthOutcome::kOk;
}

Result<std::vector<TokenInfo>> TokenStore::List() {
  BEVARA_RETURN_IF_ERROR(Refresh());
  std::shared_lock lock(mu_);
  return tokens_;
}

Result<bool> TokenStore::HasActiveAdmin(const std::string& now) {
  auto all = List();
  if (!all.ok()) return all.status();
  for (const TokenInfo& t : *all) {
    if (t.role == Role::kAdmin && t.revoked.empty() && (t.expires.empty() || now < t.expires)) return true;
  }
  return false;
}

}  // namespace bevara::access
