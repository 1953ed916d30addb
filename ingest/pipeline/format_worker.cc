#include "ingest/pipeline/format_worker.h"

#include "ingest/formats/stored_container.h"
#include "src/common/file_util.h"
#include "storage/aip/format_identifier.h"

namespace bevara::ingest {
namespace {

// The file as a container, opened only when a container format asks for
// its entries.
class OpenedContainer final : public formats::ContainerReader {
 public:
  explicit OpenedContainer(const FileOpener& open) : open_(open) {}
  Status ForEachEntry(formats::ContainerType type, const std::function<bool(const std::string&)>& wants_content,
                      const std::function<void(const std::string&, const formats::ScanWindow*)>& entry) override {
    auto file = open_();
    if (!file.ok()) return file.status();
    return formats::StoredContainer(*file).ForEachEntry(type, wants_content, entry);
  }

 private:
  const FileOpener& open_;
};

}  // namespace

storage::FormatIdentity FormatIdentityOf(const formats::Identification& id, const std::string& mime_detected) {
  storage::FormatIdentity out;
  out.method = formats::MethodName(id.method);
  out.note = id.note;
  // A name is not evidence: a format known only by its extension stands
  // when libmagic sees the same kind of bytes (plain text for .txt), else
  // it is a candidate, not the file's format.
  bool trusted = id.method != formats::IdentificationMethod::kExtension;
  for (const formats::FormatMatch& m : id.matches) {
    trusted = trusted || (!m.mime.empty() && storage::MimeTypesAgree(m.mime.substr(0, m.mime.find(',')), mime_detected));
  }
  if (!trusted) out.note += "; libmagic detected " + mime_detected + ", so the extension is not trusted";
  if (trusted && id.matches.size() == 1) {
    out.puid = id.matches[0].puid;
    out.name = id.matches[0].name;
    out.version = id.matches[0].version;
  } else {
    for (const formats::FormatMatch& m : id.matches) out.candidates.push_back(m.puid);
  }
  return out;
}

std::string_view WindowHead(std::string_view first_bytes, uint64_t size) {
  const size_t keep = formats::PronomIdentifier::kScanBytes;
  return size <= 2 * keep ? first_bytes : first_bytes.substr(0, keep);
}

Result<storage::FormatIdentity> IdentifyFile(const formats::PronomIdentifier& pronom, std::string_view head,
                                             uint64_t size, const FileOpener& open, const std::string& path,
                                             const std::string& mime_detected) {
  const size_t keep = formats::PronomIdentifier::kScanBytes;
  std::string tail;
  if (size > head.size()) {
    auto file = open();
    if (!file.ok()) return file.status();
    BEVARA_RETURN_IF_ERROR(ReadExactlyAt(*file, size - keep, keep, &tail, "a file is shorter than what was stored of it"));
  }
  formats::ScanWindow window(head, tail, size);
  OpenedContainer container(open);
  formats::Identification id = pronom.Identify(window, path, &container);
  if (!id.read_error.ok()) return id.read_error;
  return FormatIdentityOf(id, mime_detected);
}

FormatWorker::FormatWorker(storage::BlobBatch* batch, IdentifierSource source)
    : batch_(batch), source_(std::move(source)), thread_([this] { Run(); }) {}

FormatWorker::~FormatWorker() {
  {
    MutexLock lock(&mu_);
    stop_ = true;
    changed_.SignalAll();
  }
  thread_.join();
}

void FormatWorker::Add(size_t index, std::string path, std::string blob, uint64_t size, std::string head,
                       std::string mime) {
  MutexLock lock(&mu_);
  while (queue_.size() >= kQueued && error_.ok()) {
    caller_waits_ = true;
    changed_.Wait(&mu_);
  }
  caller_waits_ = false;
  if (!error_.ok()) return;  // the ingest fails at Finish(): nothing more to identify
  queue_.push_back({index, std::move(path), std::move(blob), size, std::move(head), std::move(mime)});
  if (worker_waits_) changed_.SignalAll();
}

Status FormatWorker::Finish(std::vector<storage::FormatIdentity>* out) {
  MutexLock lock(&mu_);
  while ((!ready_ || !queue_.empty() || busy_) && error_.ok()) {
    caller_waits_ = true;
    changed_.Wait(&mu_);
  }
  caller_waits_ = false;
  if (!error_.ok()) return error_;
  for (auto& [index, identity] : done_) {
    if (index >= out->size()) out->resize(index + 1);
    (*out)[index] = std::move(identity);
  }
  done_.clear();
  return Status::OK();
}

void FormatWorker::Run() {
  Result<std::shared_ptr<const formats::PronomIdentifier>> identifier = Status::Internal("no identifier");
  try {
    identifier = source_();
  } catch (const std::exception&) {
    identifier = Status::Internal("the signature files could not be compiled");
  }
  {
    MutexLock lock(&mu_);
    if (identifier.ok()) {
      pronom_ = std::move(*identifier);
    } else {
      error_ = identifier.status();
    }
    ready_ = true;
    if (caller_waits_) changed_.SignalAll();
  }
  for (;;) {
    Job job;
    {
      MutexLock lock(&mu_);
      while (queue_.empty() && !stop_) {
        worker_waits_ = true;
        changed_.Wait(&mu_);
      }
      worker_waits_ = false;
      if (stop_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
    }
    // No exception may end this thread: identification works on untrusted
    // bytes, and a library may throw (bad_alloc). Such a file gets no
    // format (not accepted), and the ingest goes on.
    Result<storage::FormatIdentity> identity = Status::Internal("format identification failed");
    try {
      std::unique_ptr<ReadableFile> staged;  // opened once, for its end and its entries
      FileOpener open = [&]() -> Result<ReadableFile*> {
        if (!staged) {
          auto opened = batch_->OpenStaged(job.blob);
          if (!opened.ok()) return opened.status();
          staged = std::move(*opened);
        }
        return staged.get();
      };
      if (pronom_) identity = IdentifyFile(*pronom_, job.head, job.size, open, job.path, job.mime);
    } catch (const std::exception&) {
      storage::FormatIdentity none;
      none.method = "none";
      none.note = "identification failed on this file (it needed more memory than bevara gives it)";
      identity = std::move(none);
    }
    MutexLock lock(&mu_);
    busy_ = false;
    if (identity.ok()) {
      done_.emplace_back(job.index, std::move(*identity));
    } else if (error_.ok()) {
      error_ = identity.status();
      queue_.clear();  // the ingest will fail: the rest is not worth the work
    }
    if (caller_waits_) changed_.SignalAll();
  }
}

}  // namespace bevara::ingest
