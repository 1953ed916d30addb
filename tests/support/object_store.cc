#include "tests/support/object_store.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "src/common/random.h"

#ifndef BEVARA_TEST_S3_PORT
#define BEVARA_TEST_S3_PORT 17480
#endif
#ifndef BEVARA_TEST_S3_DIR
#define BEVARA_TEST_S3_DIR "/var/tmp/bevara-s3"
#endif
#ifndef BEVARA_SOURCE_DIR
#define BEVARA_SOURCE_DIR "."
#endif

namespace bevara::testing {

int ObjectStorePort() { return BEVARA_TEST_S3_PORT; }

storage::S3Settings FreshBucket(bool object_lock) {
  storage::S3Settings s;
  s.endpoint = "http://127.0.0.1:" + std::to_string(ObjectStorePort());
  s.bucket = "t-" + RandomHex(8);
  s.access_key_id = "bevara-test";
  s.secret_access_key = "bevara-test-secret-not-for-production";
  s.part_bytes = 5ull << 20;
  s.retry.first_backoff_ms = 20;
  auto client = storage::S3Client::Make(s);
  EXPECT_TRUE(client.ok()) << client.status().ToString();
  if (client.ok()) {
    Status made = (*client)->CreateBucket(object_lock);
    EXPECT_TRUE(made.ok()) << made.ToString() << " (is the ObjectStore fixture running? tools/object-store.sh start)";
  }
  return s;
}

storage::S3Settings Impatient(storage::S3Settings s) {
  s.retry.attempts = 3;
  s.retry.first_backoff_ms = 10;
  s.retry.max_backoff_ms = 50;
  s.retry.connect_timeout_ms = 1000;
  return s;
}

bool ObjectStoreCommand(const std::string& verb) {
  const std::string command = "BEVARA_S3_PORT=" + std::to_string(ObjectStorePort()) + " " BEVARA_SOURCE_DIR
                              "/tools/object-store.sh " + verb + " " BEVARA_TEST_S3_DIR " >/dev/null 2>&1";
  return std::system(command.c_str()) == 0;
}

std::string PatternBytes(size_t n, uint64_t seed) {
  std::string s(n, '\0');
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (char& c : s) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    c = static_cast<char>(x);
  }
  return s;
}

std::unique_ptr<storage::S3BlobStore> OpenS3Store(const storage::S3Settings& s, const TempDir& dir) {
  auto store = storage::S3BlobStore::Open(Env::Default(), s, dir.Join("spool"));
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(*store) : nullptr;
}

Result<std::string> ReadBlobBack(storage::BlobStore* store, const std::string& name) {
  auto file = store->Open(name);
  if (!file.ok()) return file.status();
  std::string got;
  auto hash = storage::ReadHashing(file->get(), [&](const char* d, size_t n) {
    got.append(d, n);
    return Status::OK();
  });
  if (!hash.ok()) return hash.status();
  if (*hash != name) return Status::Corruption("read back as " + *hash);
  return got;
}

}  // namespace bevara::testing
