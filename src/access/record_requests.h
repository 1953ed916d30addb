// RecordRequests: citizens' requests for records (begäran om allmän
// handling) and the archivists' decisions on them.
//
// A request names record ids (from public search hits) and/or a case
// number, with a description and a contact. The citizen gets a request
// token (shown once; only its SHA-256 is kept) to follow the request and
// to download what is released. Archivists decide per record:
//   release   the record's files may be downloaded with the token
//   partial   only the files the archivist lists, with a note of what is
//             withheld or masked
//   deny      nothing, with the legal ground (OSL chapter and section)
// A later decision on the same record replaces the earlier one.
//
// Stored append-only in <dir>/requests.log, a RecordLog (fsynced; the
// contact is personal data and the directory is the server's alone).
// requests.jsonl of an older bevara is taken over.
//
// Thread-safety: safe for concurrent use; one writing process.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "src/common/env.h"
#include "src/common/mutex.h"
#include "src/common/record_log.h"
#include "src/common/result.h"

namespace bevara::access {

struct RecordDecision {
  std::string record;     // record id
  std::string decision;   // release, partial, deny
  std::string note;       // partial: what is withheld; deny: the legal ground
  std::vector<std::string> files;  // partial: the files released (AIP paths); release: all, filled by the caller
  std::string by, at;
  // What was released: each released file's SHA-256 when the archivist
  // decided. A later version's different bytes at the same path are not
  // released by it; a release without digests (an older bevara's) releases
  // nothing until decided again.
  std::map<std::string, std::string> digests;
};

struct RecordRequest {
  std::string id;  // "req-" + 16 hex: how archivists and the audit log name it
  std::string token_sha256;
  std::string created;
  std::vector<std::string> records;  // as asked
  std::string case_number;           // as asked; may be empty
  std::string description, contact;
  std::map<std::string, RecordDecision> decisions;  // by record id

  // Open while a named record has no decision, or a case request has none at all.
  bool open() const;
};

struct NewRequest {
  std::vector<std::string> records;
  std::string case_number, description, contact;
};

class RecordRequests {
 public:
  static Result<std::unique_ptr<RecordRequests>> Open(Env* env, const std::string& dir);

  // InvalidArgument when it names nothing, an id is malformed, or a field
  // is missing or too long. Returns the request and its token (the only
  // time the token exists in clear).
  Result<std::pair<RecordRequest, std::string>> Create(const NewRequest& request, const std::string& now);
  // InvalidArgument for an unknown decision, a deny without a ground or a
  // partial release without a note or files; NotFound for an unknown request.
  Result<RecordRequest> Decide(const std::string& request_id, RecordDecision decision);

  std::optional<RecordRequest> FindByToken(const std::string& token);
  std::optional<RecordRequest> Find(const std::string& request_id);
  // Oldest first.
  std::vector<RecordRequest> List(bool open_only);

 private:
  RecordRequests() = default;
  // Applies one record of the log: a request, or a decision on one.
  // REQUIRES: mu_ held.
  Status Apply(std::string_view payload) REQUIRES(mu_);
  // Appends an event and applies it.
  Status AppendLocked(const nlohmann::json& event) REQUIRES(mu_);

  Mutex mu_;
  std::unique_ptr<RecordLog> log_ GUARDED_BY(mu_);
  std::map<std::string, RecordRequest> by_id_ GUARDED_BY(mu_);
  std::map<std::string, std::string> by_token_ GUARDED_BY(mu_);  // token SHA-256 -> id
  std::vector<std::string> order_ GUARDED_BY(mu_);               // ids, oldest first
};

// Whether `id` has the form of a record id ("r" + 24 hex digits).
bool IsRecordId(const std::string& id);

}  // namespace bevara::access
