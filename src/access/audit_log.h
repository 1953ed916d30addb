// AuditLog: who did what, append-only and hash-chained.
//
// Every deposit, file retrieval, token change, audit and refused request is
// one record (src/common/record_log.h) of <data>/access/audit.log, a JSON
// object:
//   {"action":..,"actor":..,"client":..,"detail":..,"outcome":..,"prev":..,
//    "role":..,"seq":N,"target":..,"time":..,"hash":..}
// "hash" is the SHA-256 of the object as it reads without "hash" (keys
// sorted), and "prev" is the previous entry's hash (64 zeros for the first),
// so a changed, removed or reordered entry breaks the chain even where its
// record's checksum was made to fit. Entries removed from the end break no
// chain; the log's head (audit.log.head), written at every sync, says how
// far the log was acknowledged, so `bevara log verify` notices that too.
//
// Durability: an entry is written at once; Append(..., durable=true) also
// fsyncs before returning (changes: deposits, token changes). Others are
// fsynced within a second by a background flusher.
//
// Thread-safety: safe for concurrent use, also by several processes (the
// server, and `bevara token` beside it): the record log orders appends.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json_fwd.hpp>
#include <thread>

#include "src/common/env.h"
#include "src/common/mutex.h"
#include "src/common/record_log.h"
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
  // Opens `dir`/audit.log (creating it; a torn last record left by a crash
  // is set aside, an older bevara's log of JSON lines becomes a record log).
  static Result<std::unique_ptr<AuditLog>> Open(Env* env, const std::string& dir);
  ~AuditLog();

  Status Append(const AuditEntry& entry, bool durable = false);
  Status Sync();
  // The seq of the last entry (0: none yet).
  uint64_t last_seq();

 private:
  AuditLog(Env* env, std::string dir);
  void FlushLoop();
  // The chain as far as the log goes: every record read updates it.
  Status Follow(std::string_view payload) REQUIRES(chain_mu_);

  Env* env_;
  std::string dir_;
  // Every call into the log is made with chain_mu_ held: the log's callback
  // (Follow) and the payload maker then work on the chain safely.
  Mutex chain_mu_;
  std::unique_ptr<RecordLog> log_ GUARDED_BY(chain_mu_);
  uint64_t seq_ GUARDED_BY(chain_mu_) = 0;  // last in the log
  std::string last_hash_ GUARDED_BY(chain_mu_);
  Mutex flush_mu_;
  bool unsynced_ GUARDED_BY(flush_mu_) = false;
  bool stop_ GUARDED_BY(flush_mu_) = false;
  CondVar wake_;
  std::thread flusher_;
};

// `bevara log verify`.
struct LogVerification {
  uint64_t entries = 0;
  std::string problem;  // empty: the log and its chain are intact
  uint64_t entry = 0;   // the entry where the problem is (1-based); 0: none, or the whole log
  bool ok() const { return problem.empty(); }
};
// `each` (may be empty) is called with every entry's seq and hash as the
// chain is followed, up to the first problem.
Result<LogVerification> VerifyAuditLog(Env* env, const std::string& dir,
                                       const std::function<void(uint64_t seq, const std::string& hash)>& each = {});

// Which entries a reader wants: each field empty means any.
struct AuditLogFilter {
  uint64_t from = 1;         // the first seq to read
  std::string action;        // exactly, or every action under a prefix ending in '.' ("request.")
  std::string actor;         // exactly (a token id, a user name, "anonymous")
  std::string target;        // a part of the target (a package id, a request id, a path)
  std::string since, until;  // RFC 3339 or YYYY-MM-DD, compared with the entry's time (inclusive)
  // InvalidArgument for a malformed time.
  Status Check() const;
  // Whether the entry (a parsed line) matches.
  bool Matches(const nlohmann::json& entry) const;
};

// Calls fn with each entry line (JSON text) whose seq >= from_seq, at most
// `limit` of them, oldest first.
Status ReadAuditLog(Env* env, const std::string& dir, uint64_t from_seq, uint64_t limit,
                    const std::function<Status(const std::string& line)>& fn);

}  // namespace bevara::access
