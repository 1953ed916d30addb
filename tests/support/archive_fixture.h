// Helpers for tests of the archive: open one in a temporary directory,
// generate and ingest packages, and check that it is intact.
#pragma once

#include <memory>
#include <string>

#include "ingest/pipeline/ingester.h"
#include "src/common/env.h"
#include "storage/archive/archive.h"
#include "tests/test_util.h"

namespace bevara::testing {

// Opens (or reopens) the archive in `dir`; fails the test if it cannot.
std::unique_ptr<storage::Archive> OpenArchiveOrDie(const std::string& dir, Env* env = Env::Default(),
                                                   storage::ArchiveOptions options = {});

// Writes a generated package and returns its path.
std::string GeneratePackage(const TempDir& dir, uint64_t seed, int files = 5, const std::string& format = "tar",
                            const std::string& name = "");

// Ingests; fails the test unless the package was archived.
ingest::IngestOutcome IngestOrDie(storage::Archive* archive, const std::string& package);

// The audit of the whole archive is clean; returns its text for messages.
void ExpectAuditClean(storage::Archive* archive);

// Where the local store keeps blob `name` (its documented layout), for tests
// that damage or remove a blob behind bevara's back.
std::string BlobPath(const storage::Archive* archive, const std::string& name);

// How many blobs the store holds.
uint64_t CountBlobs(storage::Archive* archive);

// The SHA-256 of a file on disk.
std::string FileSha256(const std::string& path);

}  // namespace bevara::testing
