// FormatPolicy: which formats the archive accepts, by PRONOM PUID.
//
// Each file is accepted, accepted for now (kept, and listed for migration),
// or not accepted. A file with no unique identification is not accepted:
// what the archive cannot name, it does not promise to keep readable. What
// a package with not-accepted files gets (archived with a warning, or
// rejected) is the policy's action.
//
// The default lists are what an archivist would start from for Swedish
// deliveries (Riksarkivet's format rules, RA-FS 2009:2, and the formats
// municipalities receive): PDF/A, TIFF, JPEG, PNG, XML (and XML Schema), plain text, CSV,
// ODF, WAVE and Broadcast WAVE, FLAC, MPEG-4 accepted; PDF, Office Open XML,
// legacy Office, HTML, GIF, JPEG 2000 and MP3 accepted for now.
//
// Thread-safety: immutable once made.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "src/common/result.h"

namespace bevara::ingest::formats {

enum class FormatState { kAccepted, kAcceptedForNow, kNotAccepted };
std::string_view StateName(FormatState s);  // "accepted", "accepted_for_now", "not_accepted"

enum class PolicyAction { kWarn, kReject };

class FormatPolicy {
 public:
  static FormatPolicy Default();
  // From configuration: comma- or space-separated PUIDs; an empty list keeps
  // the default. `action` is "warn" or "reject".
  static Result<FormatPolicy> FromLists(std::string_view accepted, std::string_view accepted_for_now,
                                        std::string_view action);

  // The state of a file identified as `puid` (empty: no unique format).
  FormatState Judge(std::string_view puid) const;
  PolicyAction action() const { return action_; }
  const std::map<std::string, FormatState, std::less<>>& states() const { return states_; }

 private:
  std::map<std::string, FormatState, std::less<>> states_;
  PolicyAction action_ = PolicyAction::kWarn;
};

}  // namespace bevara::ingest::formats
