#include "src/services/record_state.h"

namespace bevara::services {
namespace {

int Rank(RecordState s) { return static_cast<int>(s); }

StateInForce FromDerived(const ingest::RecordAccess& a) {
  StateInForce s;
  s.state = a.state == ingest::AccessState::kPublic       ? RecordState::kPublic
            : a.state == ingest::AccessState::kRestricted ? RecordState::kRestricted
                                                          : RecordState::kSecret;
  s.ground = a.ground;
  s.public_from = a.public_from;
  return s;
}

StateInForce Stricter(StateInForce a, StateInForce b) {
  if (Rank(b.state) > Rank(a.state)) return b;
  if (a.state == RecordState::kSecret && b.state == RecordState::kSecret &&
      ingest::LastsLonger(b.public_from, a.public_from)) {
    return b;
  }
  return a;
}

// The strictest state the metadata of the versions after `after` gives
// (kPublished, the least strict, when there are none: metadata alone
// never publishes, so any version makes it at least kPublic).
StateInForce Floor(const std::vector<VersionOfRecord>& history, uint32_t after) {
  StateInForce s;
  s.state = RecordState::kPublished;
  for (const VersionOfRecord& v : history) {
    if (v.version > after) s = Stricter(s, FromDerived(v.derived));
  }
  return s;
}

}  // namespace

const char* RecordStateName(RecordState state) {
  switch (state) {
    case RecordState::kPublished: return "published";
    case RecordState::kPublic: return "public";
    case RecordState::kRestricted: return "restricted";
    case RecordState::kSecret: return "secret";
  }
  return "secret";
}

std::optional<RecordState> ParseRecordState(const std::string& name) {
  for (RecordState s : {RecordState::kPublished, RecordState::kPublic, RecordState::kRestricted, RecordState::kSecret}) {
    if (name == RecordStateName(s)) return s;
  }
  return std::nullopt;
}

StateInForce DecideState(const std::vector<VersionOfRecord>& history, const std::map<std::string, std::string>& files,
                         const std::optional<access::AccessDecision>& decision) {
  const VersionOfRecord& head = history.back();
  const StateInForce all = Floor(history, 0);
  if (!decision) {
    StateInForce s = all;
    if (Rank(FromDerived(head.derived).state) < Rank(all.state)) {
      s.review = "an earlier version's metadata is stricter (" + std::string(RecordStateName(all.state)) +
                 "); it stays so until an archivist decides";
    }
    return s;
  }
  StateInForce decided;
  decided.state = ParseRecordState(decision->state).value_or(RecordState::kSecret);
  decided.ground = "archivist's decision: " + decision->reason;
  decided.by_decision = true;
  const bool bound = decision->version > 0 && decision->version <= head.version && decision->files == files;
  if (bound) {
    // Versions after the one decided on count where their metadata
    // restricts (metadata saying "public" takes nothing from a publication).
    StateInForce later = Floor(history, decision->version);
    StateInForce s = Rank(later.state) > Rank(RecordState::kPublic) ? Stricter(decided, later) : decided;
    if (Rank(s.state) > Rank(decided.state)) {
      s.by_decision = false;
      s.review = "a version after the archivist's decision is stricter in its metadata";
    }
    return s;
  }
  if (Rank(decided.state) > Rank(all.state)) return decided;  // a stricter decision always holds
  StateInForce s = all;
  if (decision->version == 0) {
    if (Rank(decided.state) < Rank(all.state)) {
      s.review = "an archivist's decision made before decisions were bound to content: decide again";
    }
    return s;
  }
  StateInForce changed;
  changed.state = RecordState::kRestricted;
  changed.ground = "the record's files changed since the archivist's decision of " + decision->at;
  s = Stricter(changed, all);
  s.review = changed.ground;
  return s;
}

}  // namespace bevara::services
