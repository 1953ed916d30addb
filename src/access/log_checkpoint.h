// Signed checkpoints of the audit log: proof to someone outside.
//
// The audit log's hash chain has no key: whoever can write the data
// directory can recompute it without the entries they dislike. A
// checkpoint is an Ed25519 signature (OpenSSL) over the number of entries
// and the hash of the last one, made with a private key kept outside the
// data directory. `bevara log verify --public-key` then proves that the
// log still holds, unchanged, every entry any checkpoint covered: an entry
// removed or changed before a checkpoint changes the hash the checkpoint
// signed, and a new signature needs the key.
//
// Checkpoints are appended to <data>/access/audit-checkpoints.log (a
// RecordLog), and each is one line of JSON that can be copied to a second
// place (--copy-to, or from standard output): a copy elsewhere also catches
// checkpoints removed from the data directory.
//
// Thread-safety: functions without shared state.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "src/common/env.h"
#include "src/common/result.h"

namespace bevara::access {

struct LogCheckpoint {
  uint64_t entries = 0;  // the audit log's length when signed
  std::string head;      // the hash of entry `entries`
  std::string at;        // RFC 3339
  std::string key_id;    // the first 16 hex digits of SHA-256 of the public key
  std::string signature; // Ed25519, hex
};

// Writes a new Ed25519 key pair as PEM: the private key with mode 0600.
// InvalidArgument when either file exists.
Status GenerateCheckpointKey(Env* env, const std::string& private_pem, const std::string& public_pem);

// Verifies the chain of the audit log in `dir`, signs its head with the
// private key, appends the checkpoint to the checkpoints log, and returns
// it. Corruption when the chain is broken (nothing broken is signed);
// InvalidArgument when the key is unusable or lies inside `data_dir`.
Result<LogCheckpoint> WriteCheckpoint(Env* env, const std::string& data_dir, const std::string& private_pem);

std::string CheckpointJson(const LogCheckpoint& c);
Result<LogCheckpoint> ParseCheckpoint(std::string_view json);

// <dir>/audit-checkpoints.log, where WriteCheckpoint appends.
std::string CheckpointsPath(const std::string& dir);
// Appends a checkpoint to a record log at `path` (a copy kept elsewhere).
Status AppendCheckpoint(Env* env, const std::string& path, const LogCheckpoint& c);
// The checkpoints of the record log at `path`, oldest first; none when it
// does not exist.
Result<std::vector<LogCheckpoint>> ReadCheckpoints(Env* env, const std::string& path);

struct CheckpointVerification {
  uint64_t entries = 0;      // in the audit log
  uint64_t checkpoints = 0;  // checked and good
  std::string problem;       // empty: the log holds every entry each checkpoint signed
  bool ok() const { return problem.empty(); }
};

// Checks the chain, then each checkpoint against `public_pem`: a valid
// signature, and the log's entry `entries` has the signed hash. With no
// checkpoint at all, the problem says so (there is nothing to prove with).
Result<CheckpointVerification> VerifyCheckpoints(Env* env, const std::string& dir, const std::string& public_pem,
                                                 const std::vector<LogCheckpoint>& checkpoints);

}  // namespace bevara::access
