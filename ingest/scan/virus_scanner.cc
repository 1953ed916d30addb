#include "ingest/scan/virus_scanner.h"

#include <clamav.h>

#include <chrono>
#include <cstring>

namespace bevara::ingest::scan {
namespace {

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// libclamav writes its messages to stderr, paths and all; bevara reports
// what matters through its own Status instead.
void Quiet(enum cl_msg, const char*, const char*, void*) {}

// What was found: libclamav does not always hand a heuristic's name back
// through cl_scandesc's own out parameter (a size limit reached, say).
void Found(int, const char* virname, void* context) {
  if (virname && context) *static_cast<std::string*>(context) = virname;
}

Status InitOnce() {
  static const cl_error_t init = [] {
    cl_set_clcb_msg(Quiet);
    return cl_init(CL_INIT_DEFAULT);
  }();
  if (init != CL_SUCCESS) return Status::Internal(std::string("libclamav: ") + cl_strerror(init));
  return Status::OK();
}

}  // namespace

struct VirusScanner::Engine {
  cl_engine* engine = nullptr;
  unsigned signatures = 0;
  ~Engine() {
    if (engine) cl_engine_free(engine);
  }
};

namespace {

// A snapshot of the database directory, to notice when it changes.
Result<std::shared_ptr<void>> Watch(const std::string& dir) {
  auto stat = std::shared_ptr<cl_stat>(new cl_stat{}, [](cl_stat* s) {
    cl_statfree(s);
    delete s;
  });
  if (cl_statinidir(dir.c_str(), stat.get()) != CL_SUCCESS) {
    return Status::InvalidArgument("scan.clamav_database: the directory cannot be read");
  }
  return std::shared_ptr<void>(stat);
}

}  // namespace

VirusScanner::~VirusScanner() = default;

Result<std::shared_ptr<VirusScanner::Engine>> VirusScanner::Load() const {
  BEVARA_RETURN_IF_ERROR(InitOnce());
  auto e = std::make_shared<Engine>();
  e->engine = cl_engine_new();
  if (!e->engine) return Status::Internal("libclamav: no engine");
  cl_engine_set_num(e->engine, CL_ENGINE_MAX_FILESIZE, static_cast<long long>(options_.max_file_size));
  cl_engine_set_num(e->engine, CL_ENGINE_MAX_SCANSIZE, static_cast<long long>(options_.max_scan_size));
  cl_engine_set_num(e->engine, CL_ENGINE_MAX_RECURSION, options_.max_recursion);
  cl_engine_set_num(e->engine, CL_ENGINE_MAX_FILES, options_.max_files);
  cl_engine_set_num(e->engine, CL_ENGINE_MAX_SCANTIME, static_cast<long long>(options_.max_scan_seconds) * 1000);
  cl_engine_set_clcb_virus_found(e->engine, Found);
  cl_error_t r = cl_load(options_.database_dir.c_str(), e->engine, &e->signatures, CL_DB_STDOPT);
  if (r != CL_SUCCESS) {
    return Status::InvalidArgument(std::string("scan.clamav_database: the signatures cannot be loaded (") +
                                   cl_strerror(r) + ")");
  }
  if (e->signatures == 0) return Status::InvalidArgument("scan.clamav_database: the directory holds no signature");
  r = cl_engine_compile(e->engine);
  if (r != CL_SUCCESS) return Status::Internal(std::string("libclamav: ") + cl_strerror(r));
  return e;
}

Result<std::shared_ptr<VirusScanner>> VirusScanner::Open(const VirusScanOptions& options) {
  if (options.database_dir.empty()) return Status::InvalidArgument("scan.clamav_database is not set");
  BEVARA_RETURN_IF_ERROR(InitOnce());
  std::shared_ptr<VirusScanner> scanner(new VirusScanner(options));
  auto watch = Watch(options.database_dir);
  if (!watch.ok()) return watch.status();
  auto engine = scanner->Load();
  if (!engine.ok()) return engine.status();
  std::lock_guard<std::mutex> lock(scanner->mu_);
  scanner->engine_ = std::move(*engine);
  scanner->watch_ = std::move(*watch);
  scanner->next_check_ = NowSeconds() + options.recheck_seconds;
  return scanner;
}

VirusScanner::Session VirusScanner::NewSession() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    const int64_t now = NowSeconds();
    if (reloading_ || now < next_check_) return Session(engine_);
    next_check_ = now + options_.recheck_seconds;
    if (cl_statchkdir(static_cast<cl_stat*>(watch_.get())) != 1) return Session(engine_);
    reloading_ = true;  // this thread compiles; the others go on with the old engine
  }
  auto watch = Watch(options_.database_dir);  // taken first: a change during the load is seen next time
  auto fresh = watch.ok() ? Load() : Result<std::shared_ptr<Engine>>(watch.status());
  std::lock_guard<std::mutex> lock(mu_);
  reloading_ = false;
  if (watch.ok()) watch_ = std::move(*watch);  // a failed load waits for the next change
  if (fresh.ok()) {
    engine_ = std::move(*fresh);
    reload_error_.clear();
  } else {
    reload_error_ = fresh.status().message();
  }
  return Session(engine_);
}

std::string VirusScanner::last_reload_error() {
  std::lock_guard<std::mutex> lock(mu_);
  return reload_error_;
}

Result<ScanVerdict> VirusScanner::Session::Scan(ReadableFile* file, const std::string& name) const {
  int fd = file->NativeHandle();
  if (fd < 0) return Status::NotSupported("virus scanning needs a local file");
  cl_scan_options options{};
  options.general = CL_SCAN_GENERAL_HEURISTICS;
  options.parse = ~0u;  // archives, documents, mail, images: everything ClamAV can open
  // A limit reached, or content it cannot read (encrypted), is a verdict
  // of its own: never "clean" for bytes that were not looked at.
  options.heuristic =
      CL_SCAN_HEURISTIC_EXCEEDS_MAX | CL_SCAN_HEURISTIC_ENCRYPTED_ARCHIVE | CL_SCAN_HEURISTIC_ENCRYPTED_DOC;
  const char* virname = nullptr;
  unsigned long scanned = 0;
  std::string found;
  cl_error_t r = cl_scandesc_callback(fd, name.c_str(), &virname, &scanned, engine_->engine, &options, &found);
  if (r == CL_CLEAN) return ScanVerdict{};
  if (r == CL_VIRUS) {
    std::string signature = virname ? virname : !found.empty() ? found : "an unnamed signature";
    bool unread = signature.rfind("Heuristics.Limits.Exceeded", 0) == 0 || signature.rfind("Heuristics.Encrypted", 0) == 0;
    return ScanVerdict{unread ? ScanVerdict::Kind::kLimit : ScanVerdict::Kind::kInfected, signature};
  }
  if (r == CL_ETIMEOUT || r == CL_EMAXSIZE || r == CL_EMAXFILES || r == CL_EMAXREC) {
    return ScanVerdict{ScanVerdict::Kind::kLimit, cl_strerror(r)};
  }
  return Status::IOError(std::string("the virus scan failed: ") + cl_strerror(r));
}

std::string VirusScanner::Session::Description() const {
  int err = 0;
  long long db = cl_engine_get_num(engine_->engine, CL_ENGINE_DB_VERSION, &err);
  return std::string("ClamAV ") + cl_retver() + "; " + std::to_string(engine_->signatures) + " signatures" +
         (db > 0 ? ", database version " + std::to_string(db) : "");
}

}  // namespace bevara::ingest::scan
