#include "src/access/token_store.h"

#include <openssl/crypto.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "src/common/clock.h"
#include "src/common/digest.h"
#include "src/common/json_util.h"
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

TokenStore::TokenStore(Env* env, std::string dir) : env_(env), dir_(std::move(dir)) {}

Result<std::unique_ptr<TokenStore>> TokenStore::Open(Env* env, const std::string& dir) {
  BEVARA_RETURN_IF_ERROR(env->CreateDir(dir, kDefaultDirMode));
  std::unique_ptr<TokenStore> store(new TokenStore(env, dir));
  TokenStore* self = store.get();
  RecordLogOptions options;
  options.legacy_path = dir + "/tokens.jsonl";
  options.on_record = [self](uint64_t, std::string_view payload) {
    self->mu_.AssertHeld();  // the log calls back while a writer holds it
    return self->Apply(payload);
  };
  {
    WriterLock lock(&store->mu_);
    auto log = RecordLog::Open(env, dir + "/tokens.log", options);
    if (!log.ok()) return log.status();
    store->log_ = std::move(*log);
  }
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

Status TokenStore::Apply(std::string_view payload) {
  auto damaged = [&](const std::string& why) { return Status::Corruption(log_path() + ": " + why); };
  auto j = nlohmann::json::parse(payload, nullptr, false);
  if (!j.is_object()) return damaged("a record that is not JSON");
  auto text = [&](const char* key) { return JsonStringField(j, key); };
  const std::string op = text("op"), id = text("id");
  if (id.empty()) return damaged("a record without a token id");
  if (op == "create") {
    TokenInfo t;
    t.id = id;
    auto role = ParseRole(text("role"));
    if (!role) return damaged("token " + id + " has an unknown role");
    t.role = *role;
    t.producer = text("producer");
    t.label = text("label");
    t.created = text("created");
    t.expires = text("expires");
    t.sha256 = text("sha256");
    by_hash_[t.sha256] = tokens_.size();
    by_id_[t.id] = tokens_.size();
    tokens_.push_back(std::move(t));
  } else if (op == "revoke") {
    auto it = by_id_.find(id);
    if (it != by_id_.end() && tokens_[it->second].revoked.empty()) tokens_[it->second].revoked = text("at");
  } else {
    // A change this bevara does not know could be one that takes rights
    // away: refuse rather than authenticate on a partial view.
    return damaged("a change '" + op + "' this bevara does not know");
  }
  return Status::OK();
}

std::string TokenStore::log_path() const { return dir_ + "/tokens.log"; }

Status TokenStore::Refresh() {
  WriterLock lock(&mu_);
  return log_->CatchUp();
}

Status TokenStore::AppendLocked(const nlohmann::json& change) {
  const std::string payload = change.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  // Catches up with other processes first (Apply), then appends; durable on OK.
  auto appended = log_->Append(payload, /*sync=*/true);
  if (!appended.ok()) return appended.status();
  return Apply(payload);
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
  WriterLock lock(&mu_);
  BEVARA_RETURN_IF_ERROR(AppendLocked(j));
  return out;
}

Status TokenStore::Revoke(const std::string& id) {
  WriterLock lock(&mu_);
  BEVARA_RETURN_IF_ERROR(log_->CatchUp());
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return Status::NotFound("no token with id '" + id + "'");
  if (!tokens_[it->second].revoked.empty()) return Status::OK();
  nlohmann::json j = {{"op", "revoke"}, {"id", id}, {"at", NowRfc3339(env_)}};
  return AppendLocked(j);
}

AuthOutcome TokenStore::Authenticate(std::string_view secret, const std::string& now, Principal* principal) {
  if (secret.size() != kPrefix.size() + 64 || secret.substr(0, kPrefix.size()) != kPrefix) return AuthOutcome::kUnknown;
  // `bevara token` beside the server: a log of another size has changes.
  auto size = env_->Stat(log_path());
  if (size.ok() && size->size != log_->size()) {
    Status refreshed = Refresh();
    // A revocation may be among what could not be read: trust no token then.
    if (!refreshed.ok()) {
      env_->Log(LogLevel::kError, "tokens: " + refreshed.ToString());
      return AuthOutcome::kUnknown;
    }
  }
  const std::string hash = Sha256Hex(secret);
  ReaderLock lock(&mu_);
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
  ReaderLock lock(&mu_);
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
