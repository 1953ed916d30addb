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

}  // namespace bevara::testing
