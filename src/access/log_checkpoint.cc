#include "src/access/log_checkpoint.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "src/access/audit_log.h"
#include "src/common/clock.h"
#include "src/common/digest.h"
#include "src/common/file_util.h"
#include "src/common/hex.h"
#include "src/common/record_log.h"

namespace bevara::access {
namespace {

constexpr char kCheckpointsFile[] = "/audit-checkpoints.log";

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

// What is signed: unambiguous text, so a signature can be checked by hand
// (openssl pkeyutl -verify -rawin) twenty years on.
std::string SignedText(const LogCheckpoint& c) {
  return "bevara audit log checkpoint\nentries " + std::to_string(c.entries) + "\nhead " + c.head + "\nat " + c.at + "\n";
}

Result<Pkey> ReadKey(Env* env, const std::string& path, bool is_private) {
  auto pem = ReadFileToString(env, path, 64 << 10);
  if (!pem.ok()) return Status::InvalidArgument("cannot read the key file (" + std::string(StatusCodeName(pem.status().code())) + ")");
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size())));
  Pkey key(is_private ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
                      : PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!key || EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) {
    return Status::InvalidArgument(std::string("the key file is not an Ed25519 ") + (is_private ? "private" : "public") +
                                   " key in PEM");
  }
  return key;
}

// The id of a key: SHA-256 of its raw public half.
std::string KeyId(EVP_PKEY* key) {
  unsigned char raw[32];
  size_t n = sizeof raw;
  if (EVP_PKEY_get_raw_public_key(key, raw, &n) != 1) return "";
  return Sha256Hex(std::string_view(reinterpret_cast<const char*>(raw), n)).substr(0, 16);
}

std::string PublicPem(EVP_PKEY* key) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PUBKEY(bio.get(), key);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

// Whether `path` lies inside `dir` (both resolved).
bool Inside(const std::string& path, const std::string& dir) {
  std::unique_ptr<char, decltype(&std::free)> p(realpath(path.c_str(), nullptr), &std::free);
  std::unique_ptr<char, decltype(&std::free)> d(realpath(dir.c_str(), nullptr), &std::free);
  if (!p || !d) return false;
  const std::string ps(p.get()), ds(d.get());
  return ps.compare(0, ds.size(), ds) == 0 && (ps.size() == ds.size() || ps[ds.size()] == '/');
}

}  // namespace

Status GenerateCheckpointKey(Env* env, const std::string& private_pem, const std::string& public_pem) {
  for (const std::string* path : {&private_pem, &public_pem}) {
    if (env->Lstat(*path).ok()) return Status::InvalidArgument("a key file exists already; nothing was written");
  }
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr),
                                                                  &EVP_PKEY_CTX_free);
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &raw) != 1) {
    return Status::Internal("OpenSSL could not make an Ed25519 key");
  }
  Pkey key(raw);
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  auto file = env->CreateExclusive(private_pem, kPrivateFileMode);
  if (!file.ok()) return file.status();
  Status s = (*file)->Append(data, static_cast<size_t>(n));
  if (s.ok()) s = (*file)->Sync();
  Status closed = (*file)->Close();
  if (s.ok()) s = closed;
  if (!s.ok()) return s;
  return WriteFileDurably(env, public_pem, PublicPem(key.get()), /*replace_existing=*/false);
}

std::string CheckpointJson(const LogCheckpoint& c) {
  return nlohmann::json({{"entries", c.entries}, {"head", c.head}, {"at", c.at}, {"key_id", c.key_id},
                         {"signature", c.signature}})
      .dump();
}

Result<LogCheckpoint> ParseCheckpoint(std::string_view json) {
  auto j = nlohmann::json::parse(json, nullptr, false);
  try {
    if (!j.is_object()) throw std::runtime_error("not an object");
    LogCheckpoint c;
    c.entries = j.at("entries").get<uint64_t>();
    c.head = j.at("head").get<std::string>();
    c.at = j.at("at").get<std::string>();
    c.key_id = j.at("key_id").get<std::string>();
    c.signature = j.at("signature").get<std::string>();
    return c;
  } catch (const std::exception&) {
    return Status::Corruption("a checkpoint that does not read");
  }
}

Result<LogCheckpoint> WriteCheckpoint(Env* env, const std::string& data_dir, const std::string& private_pem) {
  if (Inside(private_pem, data_dir)) {
    return Status::InvalidArgument("the private key lies inside the data directory: keep it where the archive's "
                                   "files cannot reach it; nothing was signed");
  }
  auto key = ReadKey(env, private_pem, /*is_private=*/true);
  if (!key.ok()) return key.status();
  const std::string dir = data_dir + "/access";
  LogCheckpoint c;
  auto v = VerifyAuditLog(env, dir, [&](uint64_t, const std::string& hash) { c.head = hash; });
  if (!v.ok()) return v.status();
  if (!v->ok()) return Status::Corruption("the audit log is broken (" + v->problem + "); nothing was signed");
  if (v->entries == 0) return Status::InvalidArgument("the audit log is empty; there is nothing to sign");
  c.entries = v->entries;
  c.at = NowRfc3339(env);
  c.key_id = KeyId(key->get());
  const std::string text = SignedText(c);
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> md(EVP_MD_CTX_new());
  unsigned char sig[64];
  size_t sig_len = sizeof sig;
  if (!md || EVP_DigestSignInit(md.get(), nullptr, nullptr, nullptr, key->get()) != 1 ||
      EVP_DigestSign(md.get(), sig, &sig_len, reinterpret_cast<const unsigned char*>(text.data()), text.size()) != 1) {
    return Status::Internal("OpenSSL could not sign the checkpoint");
  }
  c.signature = HexEncode(sig, sig_len);
  BEVARA_RETURN_IF_ERROR(AppendCheckpoint(env, CheckpointsPath(dir), c));
  return c;
}

std::string CheckpointsPath(const std::string& dir) { return dir + kCheckpointsFile; }

Status AppendCheckpoint(Env* env, const std::string& path, const LogCheckpoint& c) {
  auto log = RecordLog::Open(env, path, {});
  if (!log.ok()) return log.status();
  return (*log)->Append(CheckpointJson(c), /*sync=*/true).status();
}

Result<std::vector<LogCheckpoint>> ReadCheckpoints(Env* env, const std::string& path) {
  std::vector<LogCheckpoint> out;
  Status s = ReadRecordLog(env, path, [&](uint64_t, std::string_view payload) {
    auto c = ParseCheckpoint(payload);
    if (!c.ok()) return Status::Corruption("a checkpoints log: " + c.status().message());
    out.push_back(std::move(*c));
    return Status::OK();
  });
  if (!s.ok() && !s.IsNotFound()) return s;
  return out;
}

Result<CheckpointVerification> VerifyCheckpoints(Env* env, const std::string& dir, const std::string& public_pem,
                                                 const std::vector<LogCheckpoint>& checkpoints) {
  auto key = ReadKey(env, public_pem, /*is_private=*/false);
  if (!key.ok()) return key.status();
  CheckpointVerification out;
  std::map<uint64_t, std::string> wanted;  // entry -> its hash in the log now
  for (const LogCheckpoint& c : checkpoints) wanted[c.entries];
  auto v = VerifyAuditLog(env, dir, [&](uint64_t seq, const std::string& hash) {
    auto it = wanted.find(seq);
    if (it != wanted.end()) it->second = hash;
  });
  if (!v.ok()) return v.status();
  out.entries = v->entries;
  if (!v->ok()) {
    out.problem = "the chain is broken" + (v->entry ? " at entry " + std::to_string(v->entry) : "") + ": " + v->problem;
    return out;
  }
  if (checkpoints.empty()) {
    out.problem = "there is no signed checkpoint to check the log against";
    return out;
  }
  const std::string key_id = KeyId(key->get());
  for (const LogCheckpoint& c : checkpoints) {
    const std::string name = "the checkpoint of " + c.at + " (" + std::to_string(c.entries) + " entries)";
    std::string sig;
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> md(EVP_MD_CTX_new());
    const std::string text = SignedText(c);
    const bool good = c.key_id == key_id && HexDecode(c.signature, &sig) && md &&
                      EVP_DigestVerifyInit(md.get(), nullptr, nullptr, nullptr, key->get()) == 1 &&
                      EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                                       reinterpret_cast<const unsigned char*>(text.data()), text.size()) == 1;
    if (!good) {
      out.problem = name + " is not signed by this key";
      return out;
    }
    if (c.entries > out.entries) {
      out.problem = name + " covers more entries than the log now holds: entries were removed";
      return out;
    }
    if (wanted[c.entries] != c.head) {
      out.problem = name + " signed another entry " + std::to_string(c.entries) +
                    ": the log was rewritten before it";
      return out;
    }
    ++out.checkpoints;
  }
  return out;
}

}  // namespace bevara::access
