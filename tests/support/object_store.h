// The real object store the copy tests run against: Ceph's RADOS Gateway
// started by tools/object-store.sh (ctest's ObjectStore fixture) on
// 127.0.0.1:BEVARA_TEST_S3_PORT, with the script's throw-away credentials.
// Each test makes a bucket of its own, so tests run side by side.
#pragma once

#include <string>

#include "storage/blobs/s3_client.h"

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

}  // namespace bevara::testing
