// The access state in force for a record, from everything bevara knows:
// what each version's metadata says (ingest/erms/case_metadata.h) and an
// archivist's decision (access/access_decisions.h). Pure policy, no I/O.
//
// The states, least strict first:
//   published   searchable and downloadable by anyone online; only ever by
//               an archivist's decision or publication rule
//   public      allmän och offentlig: handed out on request after review
//   restricted  personal data, protected identity, an unknown restriction,
//               or waiting for an archivist's review
//   secret      secrecy under OSL, until its end date if it has one
//
// It fails closed:
//   * A new version never lowers a record's state by itself: the strictest
//     state any version's metadata gives it stays until an archivist
//     decides (and the record is listed for review).
//   * A decision holds while the record's files are the ones it names (by
//     SHA-256). Where a later version's metadata restricts the record
//     (restricted or secret), that holds instead, for review. Once the files change, a stricter decision still
//     holds; a less strict one gives way to at least "restricted", for review.
//   * A decision of an older bevara (bound to no content) is kept only
//     where it is the stricter.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ingest/erms/case_metadata.h"
#include "src/access/access_decisions.h"

namespace bevara::services {

enum class RecordState { kPublished, kPublic, kRestricted, kSecret };
const char* RecordStateName(RecordState state);  // "published", "public", "restricted", "secret"
// nullopt for a name that is none of them.
std::optional<RecordState> ParseRecordState(const std::string& name);

// One version of a package that holds the record.
struct VersionOfRecord {
  uint32_t version = 0;
  ingest::RecordAccess derived;  // from that version's metadata, on today
};

struct StateInForce {
  RecordState state = RecordState::kSecret;
  std::string ground;
  std::string public_from;  // secret with an end date: the day it lapses, unless something else holds it
  std::string review;       // why an archivist should look at it; empty when nothing waits
  bool by_decision = false; // the state is an archivist's decision, bound to these files
};

// `history`: the record in every version that holds it, oldest first; the
// last is the version asked about, whose files are `files` (path -> SHA-256).
// REQUIRES: !history.empty().
StateInForce DecideState(const std::vector<VersionOfRecord>& history, const std::map<std::string, std::string>& files,
                         const std::optional<access::AccessDecision>& decision);

}  // namespace bevara::services
