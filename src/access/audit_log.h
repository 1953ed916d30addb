// AuditLog: who did what, append-only and hash-chained.
//
// Every deposit, file retrieval, token change, audit and refused request is
// one JSON line in <data>/access/audit.log:
//   {"action":..,"actor":..,"client":..,"detail":..,"outcome":..,"prev":..,
//    "role":..,"seq":N,"target":..,"time":..,"hash":..}
// "hash" is the SHA-256 of the line as it reads without "hash" (keys sorted),
// and "prev" is the previous line's hash (64 zeros for the first), so a
// changed, removed or reordered line breaks the chain. Removing lines at the
// end keeps the chain intact; audit.head, rewritten at every sync, names the
// last durable seq and hash so that `bevara log verify` notices that too.
//
// Durability: an entry is written at once; Append(..., durable=true) also
// fsyncs before returning (changes: deposits, token changes). Others are
// fsynced within a second by a background flusher.
//
// Thread-safety: safe for concurrent use, also by several processes (the
// server, and `bevara token` beside it): appends take <dir>/audit.lock.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "src/common/env.h"
#include "src/common/result.h"

namespace bevara::access {

struct AuditEntry {
  std::string actor;    // token id, or "anonymous"
  std::string role;     // the actor's role
  std::string action;   // "deposit", "file.read", "token.create", "auth.denied", ...
  std::string target;   // what it concerns: a package id, job id, token id, path
  std::string outcome;  // "ok", "denied", "rejected", "failed", ...
  std::string detail;
  std::string client;   // the peer address
};

class AuditLog {
 public:
  // Opens `dir`/audit.log (creating it), cutting a torn last line left by a crash.
  static Result<std::unique_ptr<AuditLog>> Open(Env* env, const std::string& dir);
  ~AuditLog();

  Status Append(const AuditEntry& entry, bool durable = false);
  Status Sync();

 private:
  AuditLog(Env* env, std::string dir);
  Status SyncLocked();
  void FlushLoop();

  Env* env_;
  std::string dir_, path_;
  std::mutex mu_;
  std::unique_ptr<WritableFile> file_;  // guarded by mu_
  uint64_t seq_ = 0;                    // last written; guarded by mu_
  std::string last_hash_;               // guarded by mu_
  uint64_t synced_seq_ = 0;             // guarded by mu_
  uint64_t known_size_ = 0;             // the log's size after this process's last append; guarded by mu_
  bool stop_ = false;                   // guarded by mu_
  std::condition_variable wake_;
  std::thread flusher_;
};

// `bevara log verify`.
struct LogVerification {
  uint64_t entries = 0;
  std::string problem;  // empty: the chain is intact
  uint64_t line = 0;    // where the problem is (1-based), 0: none or the whole file
  bool ok() const { return problem.empty(); }
};
Result<LogVerification> VerifyAuditLog(Env* env, const std::string& dir);

// Calls fn with each entry line (JSON text) whose seq >= from_seq, at most
// `limit` of them, oldest first.
Status ReadAuditLog(Env* env, const std::string& dir, uint64_t from_seq, uint64_t limit,
                    const std::function<Status(const std::string& line)>& fn);

}  // namespace bevara::access
