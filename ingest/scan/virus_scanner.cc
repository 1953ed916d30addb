#include "ingest/scan/virus_scanner.h"

#include <clamav.h>

#include <chrono>
#include <cstring>

namespace bevara::ingest::scan {
namespace {

constexpr int64_t kRecheckSeconds = 10;

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// libclamav writes its messages to stderr, paths and all; bevara reports
// what matters through its own Status instead.
void Quiet(enum cl_msg, const char*, const char*, void*) {}

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
  cl_stat stat{};
  bool stat_valid = false;
  unsigned signatures = 0;
  ~Engine() {
    if (stat_valid) cl_statfree(&stat);
    if (engine) cl_engine_free(engine);
  }
};

VirusScanner::~VirusScanner() = default;

Result<std::shared_ptr<VirusScanner::Engine>> VirusScanner::Load() {
  BEVARA_RETURN_IF_ERROR(InitOnce());
  auto e = std::make_shared<Engine>();
  e->engine = cl_engine_new();
  if (!e->engine) return Status::Internal("libclamav: no engine");
  cl_engine_set_num(e->engine, CL_ENGINE_MAX_FILESIZE, static_cast<long long>(options_.max_file_size));
  cl_engine_set_num(e->engine, CL_ENGINE_MAX_SCANSIZE, static_cast<long long>(options_.max_scan_size));
  cl_engine_set_num(e->engine, CL_ENGINE_MAX_RECURSION, options_.max_recursion);
  cl_engine_set_num(e->engine, CL_ENGINE_MAX_FILES, options_.max_files);
  cl_engine_set_num(e->engine, CL_ENGINE_MAX_SCANTIME, static_cast<long long>(options_.max_scan_seconds) * 1000);
  // Statistics and the temporary directory stay ClamAV's defaults; nothing
  // of a package is kept by it.
  cl_error_t r = cl_statinidir(options_.database_dir.c_str(), &e->stat);
  if (r != CL_SUCCESS) return Status::InvalidArgument("scan.clamav_database: the directory cannot be read");
  e->stat_valid = true;
  r = cl_load(options_.database_dir.c_str(), e->engine, &e->signatures, CL_DB_STDOPT);
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
  std::shared_ptr<VirusScanner> scanner(new VirusScanner(options));
  auto engine = scanner->Load();
  if (!engine.ok()) return engine.status();
  scanner->engine_ = std::move(*engine);
  scanner->next_check_ = NowSeconds() + kRecheckSeconds;
  return scanner;
}

std::shared_ptr<VirusScanner::Engine> VirusScanner::Current() {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t now = NowSeconds();
  if (now >= next_check_) {
    next_check_ = now + kRecheckSeconds;
    if (cl_statchkdir(&engine_->stat) == 1) {  // changed: compile the new databases
      auto fresh = Load();
      if (fresh.ok()) engine_ = std::move(*fresh);  // else keep scanning with what works
    }
  }
  return engine_;
}

Result<ScanVerdict> VirusScanner::Scan(ReadableFile* file, const std::string& name) {
  int fd = file->NativeHandle();
  if (fd < 0) return Status::NotSupported("virus scanning needs a local file");
  std::shared_ptr<Engine> engine = Current();
  cl_scan_options options{};
  options.general = CL_SCAN_GENERAL_HEURISTICS;
  options.parse = ~0u;  // archives, documents, mail, images: everything ClamAV can open
  options.heuristic = CL_SCAN_HEURISTIC_EXCEEDS_MAX;
  const char* virname = nullptr;
  unsigned long scanned = 0;
  cl_error_t r = cl_scandesc(fd, name.c_str(), &virname, &scanned, engine->engine, &options);
  if (r == CL_CLEAN) return ScanVerdict{};
  if (r == CL_VIRUS) {
    std::string signature = virname ? virname : "unknown";
    bool limit = signature.rfind("Heuristics.Limits.Exceeded", 0) == 0;
    return ScanVerdict{limit ? ScanVerdict::Kind::kLimit : ScanVerdict::Kind::kInfected, signature};
  }
  if (r == CL_ETIMEOUT || r == CL_EMAXSIZE || r == CL_EMAXFILES || r == CL_EMAXREC) {
    return ScanVerdict{ScanVerdict::Kind::kLimit, cl_strerror(r)};
  }
  return Status::IOError(std::string("the virus scan failed: ") + cl_strerror(r));
}

std::string VirusScanner::Description() {
  std::shared_ptr<Engine> engine = Current();
  int err = 0;
  long long db = cl_engine_get_num(engine->engine, CL_ENGINE_DB_VERSION, &err);
  return std::string("ClamAV ") + cl_retver() + "; " + std::to_string(engine->signatures) + " signatures" +
         (db > 0 ? ", database version " + std::to_string(db) : "");
}

}  // namespace bevara::ingest::scan
