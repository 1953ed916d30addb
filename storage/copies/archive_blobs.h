// What the archive holds, by the version log: every version of every package
// not removed, with the blobs it is made of. The version log, not the
// catalog, is the account copies follow, so that CLI ingests and server
// deposits are copied alike, and a catalog being rebuilt changes nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "src/common/status.h"
#include "storage/archive/archive.h"

namespace bevara::storage {

// What a blob is to the version that holds it; a finding on a blob that is
// not a file names the version it breaks.
enum class BlobRole : uint8_t { kFile, kVersionRecord, kAipMets, kInventory };
const char* BlobRoleName(BlobRole role);

struct HeldBlob {
  std::string name;
  uint64_t size = 0;
  BlobRole role = BlobRole::kFile;
};

struct VersionBlobs {
  std::string package;
  uint32_t version = 0;
  // Files, AIP METS, inventory and the version record itself, each once.
  std::vector<HeldBlob> blobs;
  // Set when the version's record could not be read: `blobs` then holds only
  // the record, and the caller reports it (audit finds why).
  std::string problem;
};

// Calls `fn` for each version in the log, oldest first, leaving out versions
// of removed packages and those `skip` says the caller has done (their
// records are not read). Stops at the first error of the log or of `fn`.
Status ForEachHeldVersion(Archive* archive, const std::function<bool(const std::string& package, uint32_t version)>& skip,
                          const std::function<Status(const VersionBlobs&)>& fn);

}  // namespace bevara::storage
