// Getting packages out of the archive, with no bevara needed to read them.
//
// ExportPackage writes one version of an AIP as plain files: the AIP METS as
// DIR/METS.xml and the submission, byte-identical, under DIR/submission/.
// ExportOcfl writes every package, every version, as an OCFL 1.1 storage
// root (hashed n-tuple layout, extension 0004), whose inventories are the
// very ones bevara stored.
//
// Every byte copied is re-hashed on the way and checked against its name;
// an export never carries a corrupt file silently. Both make what they wrote
// durable (syncfs) before they return.
//
// Thread-safety: runs on the caller's thread; safe beside ingests, not gc.
#pragma once

#include <cstdint>
#include <string>

#include "src/common/result.h"
#include "storage/archive/archive.h"

namespace bevara::storage {

struct ExportStats {
  uint64_t packages = 0, versions = 0, files = 0, bytes = 0;
};

// REQUIRES: `dir` does not exist or is an empty directory.
// `version` 0 means the head version. NotFound for an unknown package.
Result<ExportStats> ExportPackage(Archive* archive, const std::string& package_id, const std::string& dir,
                                  uint32_t version = 0);

// REQUIRES: `dir` does not exist or is an empty directory.
Result<ExportStats> ExportOcfl(Archive* archive, const std::string& dir);

// Where extension 0004 (sha256, 3 tuples of 3) puts an object: "abc/def/012/abcdef012...".
std::string OcflObjectPath(const std::string& object_id);

}  // namespace bevara::storage
