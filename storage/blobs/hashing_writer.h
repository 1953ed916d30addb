// HashingWriter: writes one blob's bytes to its staging file and hashes them
// in the same pass. A small blob is hashed and written on the caller's
// thread. Once a blob passes `pipeline_at` bytes, the rest goes in chunks
// to two threads of its own, one hashing and one writing, while the caller
// goes on (reading and validating the package, which hashes the same bytes
// for its own check). The three overlap, and so does the disk: whole chunks
// at aligned offsets are written past the page cache where the file system
// allows (WritableFile::AppendAligned), the rest has its write-back started
// every few MiB, so that the fsync at the end has little left to do. Memory
// stays under `chunks_in_flight` chunks.
//
// Thread-safety: one caller thread; the helper threads are internal.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "src/common/digest.h"
#include "src/common/env.h"
#include "src/common/mutex.h"

namespace bevara::storage {

struct HashingWriterOptions {
  uint64_t pipeline_at = 8 << 20;       // bytes after which the helper threads take over
  uint64_t writeback_every = 8 << 20;   // start write-back each time this much more was written
  size_t chunk_bytes = 1 << 20;         // what goes to the helpers at a time; a multiple of kDirectIoAlignment
  size_t chunks_in_flight = 8;          // the bound on chunks handed and not yet both hashed and written
};

class HashingWriter {
 public:
  // REQUIRES: file was just created (empty).
  explicit HashingWriter(std::unique_ptr<WritableFile> file, HashingWriterOptions options = {});
  ~HashingWriter();  // stops the helper threads, if any

  // The first error of a write is returned here or by Finish().
  Status Append(const char* data, size_t n);
  // Writes what is left and ends the hash. REQUIRES: called once, after the last Append.
  Status Finish();

  // After Finish(): the SHA-256 (lower-case hex) and size of what was appended.
  const std::string& sha256() const { return digester_.Hex(DigestAlgorithm::kSha256); }
  uint64_t bytes() const { return bytes_; }
  // The file, for its Sync and Close once Finish() returned.
  WritableFile* file() const { return file_.get(); }

 private:
  // A buffer aligned for direct writes.
  struct Buffer {
    std::unique_ptr<char, void (*)(void*)> data{nullptr, &std::free};
    size_t size = 0;
  };
  struct Chunk {
    Buffer buffer;
    int uses = 2;  // the hasher and the writer; its buffer is spare again when both are done
  };
  using Queue = std::deque<std::shared_ptr<Chunk>>;

  Status Write(const char* data, size_t n);  // on the caller's thread, or the writer's
  Status Flush();                            // the small-write buffer
  void StartHelpers();
  Status Hand(Buffer buffer);  // to both helpers; blocks while too many chunks are out
  Buffer SpareBuffer();        // an empty buffer of chunk_bytes capacity
  void StopHelpers();
  // A helper's loop: takes chunks from `queue` in order and does `work`.
  void HelperLoop(Queue* queue, const std::function<Status(const Chunk&)>& work);

  std::unique_ptr<WritableFile> file_;
  const HashingWriterOptions options_;
  MultiDigester digester_;  // the caller's until the helpers start, then the hasher's
  uint64_t bytes_ = 0;      // appended so far
  uint64_t written_ = 0;    // written to the file so far: the caller's, then the writer's
  uint64_t writeback_mark_ = 0;
  std::vector<char> buffer_;  // small writes gathered, before the helpers start
  Buffer filling_;            // the chunk being filled, after
  size_t filling_limit_ = 0;  // its size when full: the first ends at a chunk boundary of the file
  bool pipelined_ = false;

  Mutex mu_;
  CondVar cv_;
  Queue to_hash_ GUARDED_BY(mu_), to_write_ GUARDED_BY(mu_);
  size_t in_flight_ GUARDED_BY(mu_) = 0;
  // Chunk buffers both helpers are done with, for reuse: a fresh 1 MiB
  // buffer is a fresh mapping, a quarter million page faults per GiB.
  std::vector<Buffer> spare_ GUARDED_BY(mu_);
  bool end_ GUARDED_BY(mu_) = false;
  Status error_ GUARDED_BY(mu_);
  std::thread hasher_, writer_;
};

}  // namespace bevara::storage
