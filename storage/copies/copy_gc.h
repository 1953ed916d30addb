// Disposal reaching the copies: blobs no held version references any more
// (their packages were removed by a decision, `bevara gc` took them from
// the local store) are deleted from each object-store copy too, every
// version of the object, so that a disposed record is gone everywhere.
// Only what this archive sent there (the copy's ledger knows it) and the
// local gc already removed (it keeps what any catalog references): a
// bucket's other content, or a wrong --data, loses nothing.
//
// Write once wins: an object under Object Lock cannot be deleted before its
// retention ends; it is kept, and reported with its date, and a later gc
// deletes it. The copy's ledger records each deletion (a PREMIS "deletion"
// event) before the object is touched, so the blob is no longer counted as
// held there even if the delete is cut short; a later gc finds what is left.
//
// Fails closed: when a version's record cannot be read, what that version
// holds is not known, and nothing is deleted from any copy.
//
// REQUIRES: nothing ingests meanwhile (the CLI holds the archive's lock).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "src/common/result.h"
#include "storage/archive/archive.h"
#include "storage/blobs/s3_client.h"
#include "storage/copies/copy_ledger.h"

namespace bevara::storage {

struct CopyGcReport {
  uint64_t blobs_kept = 0;                // still held by a version
  uint64_t blobs_deleted = 0, bytes_deleted = 0;
  std::vector<std::string> locked;        // "blob: COMPLIANCE until DATE", not deleted yet
  uint64_t not_ours = 0;                  // blob objects the copy's ledger never recorded: left alone
  std::string ToText(const std::string& copy) const;
};

// Deletes from the bucket of `client` every blob object no held version of
// `archive` references, that `ledger` knows and the local store no longer
// has, recording each in `ledger` ("deletion": begun, then deleted or
// refused). REQUIRES: the local gc ran first.
Result<CopyGcReport> CollectCopyGarbage(Archive* archive, S3Client* client, CopyLedger* ledger);

}  // namespace bevara::storage
