// The real object store the copy tests run against: Ceph's RADOS Gateway
// started by tools/object-store.sh (ctest's ObjectStore fixture) on
// 127.0.0.1:BEVARA_TEST_S3_PORT, with the script's throw-away credentials.
// Each test makes a bucket of its own, so tests run side by side.
#pragma once

#include <memory>
#include <string>

#include "storage/blobs/s3_blob_store.h"
#include "storage/blobs/s3_client.h"
#include "tests/test_util.h"

namespace bevara::testing {

// Settings for a new, empty bucket (made here; with Object Lock when asked).
// Fails the calling test when the store is not reachable.
storage::S3Settings FreshBucket(bool object_lock = false);
// The same store and bucket with retries cut short (fault tests).
storage::S3Settings Impatient(storage::S3Settings s);
// The port the store listens on.
int ObjectStorePort();
// Runs tools/object-store.sh with `verb` (stop-gateway, start-gateway) for
// this build's store; true when it succeeded.
bool ObjectStoreCommand(const std::string& verb);

// `n` bytes of a pattern `seed` picks (no two seeds alike).
std::string PatternBytes(size_t n, uint64_t seed);
// The S3 store for `s`, spooling in `dir`; null (and the test failed) when
// it cannot be opened.
std::unique_ptr<storage::S3BlobStore> OpenS3Store(const storage::S3Settings& s, const TempDir& dir);
// A blob read whole from `store`; Corruption when it does not hash to its name.
Result<std::string> ReadBlobBack(storage::BlobStore* store, const std::string& name);

}  // namespace bevara::testing
