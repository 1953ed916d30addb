#include "ingest/xml/parallel_parse.h"

#include <cstring>
#include <deque>
#include <memory>
#include <system_error>
#include <thread>

#include "src/common/mutex.h"

namespace bevara::ingest {
namespace {

constexpr size_t kChunk = 256 << 10;
constexpr size_t kQueueDepth = 8;  // chunks in flight per reader: 2 MiB

// A bounded queue of chunks from the reading thread to one parser.
class ChunkQueue {
 public:
  // Blocks while full. A no-op once the consumer has closed the queue.
  void Push(std::shared_ptr<const std::string> chunk) {
    MutexLock lock(&mu_);
    while (chunks_.size() >= kQueueDepth && !closed_) not_full_.Wait(&mu_);
    if (closed_) return;
    chunks_.push_back(std::move(chunk));
    not_empty_.Signal();
  }
  void EndOfInput() {
    MutexLock lock(&mu_);
    eof_ = true;
    not_empty_.Signal();
  }
  // The consumer is done: the producer stops feeding it.
  void Close() {
    MutexLock lock(&mu_);
    closed_ = true;
    chunks_.clear();
    not_full_.Signal();
  }
  bool closed() {
    MutexLock lock(&mu_);
    return closed_;
  }
  // Copies up to n bytes; 0 at the end of input.
  size_t Pop(char* buf, size_t n) {
    MutexLock lock(&mu_);
    while (chunks_.empty() && !eof_) not_empty_.Wait(&mu_);
    if (chunks_.empty()) return 0;
    const std::string& front = *chunks_.front();
    size_t k = std::min(n, front.size() - offset_);
    std::memcpy(buf, front.data() + offset_, k);
    offset_ += k;
    if (offset_ == front.size()) {
      chunks_.pop_front();
      offset_ = 0;
      not_full_.Signal();
    }
    return k;
  }

 private:
  Mutex mu_;
  CondVar not_full_, not_empty_;
  std::deque<std::shared_ptr<const std::string>> chunks_ GUARDED_BY(mu_);
  size_t offset_ GUARDED_BY(mu_) = 0;
  bool eof_ GUARDED_BY(mu_) = false;
  bool closed_ GUARDED_BY(mu_) = false;
};

}  // namespace

SaxOutcome ParseTwiceInParallel(SecureSaxParser* validating, SecureSaxParser* building, const ByteSource& source,
                                const std::string& system_id, xercesc_3_2::ContentHandler* content,
                                const SaxOptions& options) {
  ChunkQueue to_validator, to_builder;
  SaxOutcome validated, built;
  SaxOptions build_options = options;
  build_options.validate = false;
  auto run = [&](SecureSaxParser* parser, ChunkQueue* queue, xercesc_3_2::ContentHandler* handler,
                 const SaxOptions& opts, SaxOutcome* out) {
    ByteSource from_queue = [queue](char* buf, size_t n) -> Result<size_t> { return queue->Pop(buf, n); };
    *out = parser->Parse(from_queue, system_id, handler, opts);
    queue->Close();
  };
  std::thread validator, builder;
  try {
    validator = std::thread(run, validating, &to_validator, nullptr, std::cref(options), &validated);
    builder = std::thread(run, building, &to_builder, content, std::cref(build_options), &built);
  } catch (const std::system_error&) {
    // No thread to be had (a process or memory limit): nothing has been read
    // from `source` yet, so the document is parsed in one thread instead.
    to_validator.EndOfInput();
    to_builder.EndOfInput();
    if (validator.joinable()) validator.join();
    return validating->Parse(source, system_id, content, options);
  }

  // This thread reads the bytes once, until the end or until both parsers
  // have stopped (an error, a limit).
  Status source_error;
  for (;;) {
    if (to_validator.closed() && to_builder.closed()) break;
    auto chunk = std::make_shared<std::string>(kChunk, '\0');
    Result<size_t> n = source(chunk->data(), chunk->size());
    if (!n.ok()) {
      source_error = n.status();
      break;
    }
    if (*n == 0) break;
    chunk->resize(*n);
    std::shared_ptr<const std::string> shared = std::move(chunk);
    to_validator.Push(shared);
    to_builder.Push(shared);
  }
  to_validator.EndOfInput();
  to_builder.EndOfInput();
  validator.join();
  builder.join();
  if (!source_error.ok()) validated.source_error = source_error;
  return validated;
}

}  // namespace bevara::ingest
