#include "storage/blobs/hashing_writer.h"

#include <algorithm>
#include <cstring>

namespace bevara::storage {
namespace {

constexpr size_t kSmallWriteBuffer = 256 << 10;

}  // namespace

HashingWriter::HashingWriter(std::unique_ptr<WritableFile> file, HashingWriterOptions options)
    : file_(std::move(file)), options_(options), digester_(DigestSet::Of(DigestAlgorithm::kSha256)) {}

HashingWriter::~HashingWriter() { StopHelpers(); }

void HashingWriter::StopHelpers() {
  if (!hasher_.joinable()) return;
  {
    MutexLock lock(&mu_);
    end_ = true;
  }
  cv_.SignalAll();
  hasher_.join();
  writer_.join();
}

Status HashingWriter::Write(const char* data, size_t n) {
  BEVARA_RETURN_IF_ERROR(file_->Append(data, n));
  written_ += n;
  // The kernel would otherwise keep the whole blob dirty in memory until the
  // final fsync and write it all then; writing it out as it comes overlaps
  // the disk's work with ours.
  if (written_ - writeback_mark_ >= options_.writeback_every) {
    file_->StartWriteback();
    writeback_mark_ = written_;
  }
  return Status::OK();
}

Status HashingWriter::Flush() {
  if (buffer_.empty()) return Status::OK();
  digester_.Update(buffer_.data(), buffer_.size());
  Status s = Write(buffer_.data(), buffer_.size());
  buffer_.clear();
  return s;
}

Status HashingWriter::Append(const char* data, size_t n) {
  bytes_ += n;
  if (!pipelined_ && bytes_ > options_.pipeline_at) {
    BEVARA_RETURN_IF_ERROR(Flush());
    StartHelpers();
  }
  if (!pipelined_) {
    // Small pieces are gathered into one write; the buffer grows only as far
    // as the blob needs (most blobs are small).
    if (buffer_.size() + n > kSmallWriteBuffer) {
      BEVARA_RETURN_IF_ERROR(Flush());
      if (n >= kSmallWriteBuffer) {
        digester_.Update(data, n);
        return Write(data, n);
      }
    }
    buffer_.insert(buffer_.end(), data, data + n);
    return Status::OK();
  }
  while (n > 0) {
    const size_t k = std::min(n, filling_limit_ - filling_.size);
    std::memcpy(filling_.data.get() + filling_.size, data, k);
    filling_.size += k;
    data += k;
    n -= k;
    if (filling_.size == filling_limit_) {
      BEVARA_RETURN_IF_ERROR(Hand(std::move(filling_)));
      filling_ = SpareBuffer();
      filling_limit_ = options_.chunk_bytes;
    }
  }
  return Status::OK();
}

void HashingWriter::StartHelpers() {
  pipelined_ = true;
  filling_ = SpareBuffer();
  // The first chunk ends where the file reaches a chunk boundary: every later
  // one then starts at an aligned offset, as a direct write needs.
  filling_limit_ = options_.chunk_bytes - written_ % options_.chunk_bytes;
  // From here until they are joined, the digester is the hasher's and the
  // file and its counters the writer's.
  hasher_ = std::thread([this] {
    HelperLoop(&to_hash_, [this](const Chunk& c) {
      digester_.Update(c.buffer.data.get(), c.buffer.size);
      return Status::OK();
    });
  });
  writer_ = std::thread([this] {
    HelperLoop(&to_write_, [this](const Chunk& c) {
      const Buffer& b = c.buffer;
      if (b.size == options_.chunk_bytes && written_ % kDirectIoAlignment == 0) {
        BEVARA_RETURN_IF_ERROR(file_->AppendAligned(b.data.get(), b.size));
        written_ += b.size;
        return Status::OK();
      }
      return Write(b.data.get(), b.size);
    });
  });
}

HashingWriter::Buffer HashingWriter::SpareBuffer() {
  Buffer buffer;
  {
    MutexLock lock(&mu_);
    if (!spare_.empty()) {
      buffer = std::move(spare_.back());
      spare_.pop_back();
    }
  }
  if (!buffer.data) {
    // Aligned for direct writes; reused, because a fresh 1 MiB buffer is a
    // fresh mapping: a quarter million page faults per GiB.
    buffer.data.reset(static_cast<char*>(std::aligned_alloc(kDirectIoAlignment, options_.chunk_bytes)));
    if (!buffer.data) std::abort();  // out of memory, as new would
  }
  buffer.size = 0;
  return buffer;
}

Status HashingWriter::Hand(Buffer buffer) {
  auto chunk = std::make_shared<Chunk>();
  chunk->buffer = std::move(buffer);
  MutexLock lock(&mu_);
  while (in_flight_ >= options_.chunks_in_flight && error_.ok()) cv_.Wait(&mu_);
  if (!error_.ok()) return error_;
  ++in_flight_;
  to_hash_.push_back(chunk);
  to_write_.push_back(std::move(chunk));
  cv_.SignalAll();
  return Status::OK();
}

void HashingWriter::HelperLoop(Queue* queue, const std::function<Status(const Chunk&)>& work) {
  for (;;) {
    std::shared_ptr<Chunk> chunk;
    {
      MutexLock lock(&mu_);
      while (queue->empty() && !end_ && error_.ok()) cv_.Wait(&mu_);
      if (queue->empty() || !error_.ok()) return;  // ended with everything done, or failed
      chunk = queue->front();
      queue->pop_front();
    }
    Status s = work(*chunk);
    MutexLock lock(&mu_);
    if (!s.ok() && error_.ok()) error_ = s;
    if (--chunk->uses == 0) {
      --in_flight_;
      spare_.push_back(std::move(chunk->buffer));
    }
    cv_.SignalAll();
  }
}

Status HashingWriter::Finish() {
  Status s;
  if (pipelined_) {
    if (filling_.size > 0) s = Hand(std::move(filling_));
    StopHelpers();
    MutexLock lock(&mu_);
    if (s.ok()) s = error_;
  } else {
    s = Flush();
  }
  digester_.Finish();
  return s;
}

}  // namespace bevara::storage
