// S3Client: the few S3 requests bevara's object-store copies need, over
// libcurl, which signs them (AWS Signature V4, CURLOPT_AWS_SIGV4): no
// signing code of our own.
//
// Integrity on the way in: every body is sent with its SHA-256 as the signed
// payload hash (x-amz-content-sha256) and its MD5 as Content-MD5, so the
// server refuses bytes that changed on the way (Ceph RGW and Swift check
// both; they ignore x-amz-checksum-*). A body is sent from memory: a blob
// larger than one part goes as a multipart upload, part by part, and only
// the completion makes it visible under its key — never half an object.
//
// Failures: 5xx answers, timeouts and refused connections are retried with
// exponential backoff (RetryPolicy) and then give Unavailable; a wrong key or
// signature is PermissionDenied at once (retrying cannot help, and a storm of
// signed requests with a wrong key is what an intrusion detector looks for);
// a missing bucket or key is NotFound; bytes refused by the server's check
// are Corruption. Messages name the request, the bucket and the key, and the
// server's error code; never the credentials.
//
// Thread-safety: safe for concurrent use (each request has its own handle).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "src/common/result.h"
#include "src/common/status.h"

namespace bevara::storage {

struct RetryPolicy {
  int attempts = 6;                // in all, the first included
  int first_backoff_ms = 200;      // doubled after each failed attempt
  int max_backoff_ms = 10000;
  int connect_timeout_ms = 5000;
  // An answer that sends nothing for this long is a failed attempt.
  int stall_timeout_ms = 30000;
};

struct S3Settings {
  std::string endpoint;  // "http://127.0.0.1:17480", "https://s3.example.se"
  std::string bucket;
  std::string region = "us-east-1";
  bool virtual_host = false;  // bucket.endpoint-host/key instead of endpoint/bucket/key
  std::string access_key_id;
  std::string secret_access_key;
  // Objects written get COMPLIANCE retention until now + this many days
  // (0: none). The bucket must have been made with Object Lock enabled.
  int object_lock_days = 0;
  uint64_t part_bytes = 8ull << 20;  // multipart above this size, in parts of it
  RetryPolicy retry;
  // Checks the settings: InvalidArgument naming what is wrong.
  Status Check() const;
};

struct S3Object {
  std::string key;
  uint64_t size = 0;
};

struct S3Version {
  std::string key, version_id;
  uint64_t size = 0;
  bool delete_marker = false;
};

class S3Client {
 public:
  // REQUIRES: settings.Check() is OK.
  static Result<std::unique_ptr<S3Client>> Make(S3Settings settings);
  ~S3Client();

  const S3Settings& settings() const { return settings_; }

  // Makes the bucket (with Object Lock when `object_lock`); OK when it is
  // already there and ours.
  Status CreateBucket(bool object_lock);
  // OK when the bucket exists and the credentials may read it.
  Status CheckBucket();

  // Stores `data` under `key`. `sha256_hex` is the body's SHA-256 (sent as
  // the signed payload hash). Replaces what was there.
  Status Put(const std::string& key, const char* data, size_t n, const std::string& sha256_hex);

  // A multipart upload: Begin, one UploadPart per part (numbers from 1, each
  // but the last at least 5 MiB), then Complete (visible) or Abort.
  Result<std::string> BeginMultipart(const std::string& key);
  Result<std::string> UploadPart(const std::string& key, const std::string& upload_id, int number,
                                 const char* data, size_t n, const std::string& sha256_hex);  // the part's ETag
  Status CompleteMultipart(const std::string& key, const std::string& upload_id,
                           const std::vector<std::string>& etags);
  Status AbortMultipart(const std::string& key, const std::string& upload_id);

  // The object's size; NotFound when absent.
  Result<uint64_t> Head(const std::string& key);
  // Streams `length` bytes of the object (0: to its end) from `offset` into
  // `sink`. A transfer cut off part way is resumed from where it stopped (a
  // ranged request), so the sink sees every byte once, in order. Sets
  // *object_size, when given, to the whole object's size. A range that
  // starts at or past the end is InvalidArgument.
  Status Get(const std::string& key, uint64_t offset, uint64_t length,
             const std::function<Status(const char*, size_t)>& sink, uint64_t* object_size = nullptr);
  // Every object whose key starts with `prefix`, in key order.
  Status List(const std::string& prefix, const std::function<Status(const S3Object&)>& fn);
  // OK when gone or never there. PermissionDenied while its lock holds.
  Status Delete(const std::string& key);

  // Object Lock: the retention of `key` as the store reports it
  // ("COMPLIANCE until 2036-12-01T10:00:00Z"); NotFound when it has none.
  Result<std::string> Retention(const std::string& key);
  // The version ids of `key` in a versioned (locked) bucket, newest first
  // (delete markers left out).
  Result<std::vector<std::string>> Versions(const std::string& key);
  // Every version and delete marker of every key starting with `prefix`, in
  // key order, each key's newest first: what a delete only hid is here too.
  Status ListVersions(const std::string& prefix, const std::function<Status(const S3Version&)>& fn);
  // One version of `key`, whole, into `sink` (resumed after a cut, as Get).
  Status GetVersion(const std::string& key, const std::string& version_id,
                    const std::function<Status(const char*, size_t)>& sink);
  // Deletes one version for good; PermissionDenied while its lock holds.
  Status DeleteVersion(const std::string& key, const std::string& version_id);

  // Requests sent and retried since Make (tests and `bevara copies`).
  uint64_t requests() const;
  uint64_t retries() const;

  struct Request;  // one request and its answer (s3_client.cc)

 private:
  struct Stats;
  explicit S3Client(S3Settings settings);
  // Sends one request, retrying what may be retried.
  Status Send(Request& request);
  Status SendOnce(Request& request, bool* retry);
  std::string UrlFor(const std::string& key, const std::string& query) const;

  const S3Settings settings_;
  std::unique_ptr<Stats> stats_;
};

// True when `s` says the bucket itself is not there (not one object).
bool IsMissingBucket(const Status& s);
// True when `s` says nothing about one object but about the whole store: it
// does not answer, refuses our credentials, or has lost the bucket. Work
// over many objects stops at such a failure instead of blaming each object.
bool IsStoreWideFailure(const Status& s);

// S3's key for a blob: "sha256/ab/abcdef…".
std::string S3KeyForBlob(const std::string& name);

}  // namespace bevara::storage
