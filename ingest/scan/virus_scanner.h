// VirusScanner: ClamAV (libclamav, in process) over the files of a package
// before it is archived.
//
// One engine is compiled at start from the operator's signature databases
// (freshclam's directory, or any directory of .cvd/.cld/.hdb/.ndb/... files)
// and shared by every scan; when the directory changes (freshclam wrote a
// new daily.cld) the next scan compiles a new engine and swaps it in, while
// scans already running finish on the old one.
//
// Limits (file size, scanned bytes, recursion, files in an archive, time)
// are set on the engine with ClamAV's "alert when exceeded" heuristic, so a
// limit reached is a verdict of its own (kLimit), never a file silently
// left unscanned.
//
// Thread-safety: NewSession() and a Session's Scan() may be called from any
// number of threads.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "src/common/env.h"
#include "src/common/result.h"

namespace bevara::ingest::scan {

struct VirusScanOptions {
  std::string database_dir;
  uint64_t max_file_size = 4000ull << 20;   // ClamAV's largest
  uint64_t max_scan_size = 4000ull << 20;
  uint32_t max_recursion = 16;
  uint32_t max_files = 100000;
  uint32_t max_scan_seconds = 600;
  int64_t recheck_seconds = 10;  // how often the database directory is looked at for changes
};

struct ScanVerdict {
  enum class Kind { kClean, kInfected, kLimit };
  Kind kind = Kind::kClean;
  std::string signature;  // the signature that matched, or the limit's heuristic name
};

class VirusScanner {
 private:
  struct Engine;

 public:
  // Loads and compiles the databases. InvalidArgument (naming the option,
  // not the path) when the directory holds no signature.
  static Result<std::shared_ptr<VirusScanner>> Open(const VirusScanOptions& options);
  ~VirusScanner();

  // The engine of the moment, for one package: every file of it is scanned
  // with the same signatures, and the PREMIS event names those.
  class Session {
   public:
    // Scans an open local file (it needs a NativeHandle). `name` is for
    // ClamAV's own bookkeeping only.
    Result<ScanVerdict> Scan(ReadableFile* file, const std::string& name) const;
    // "ClamAV 1.4.6; 3 signatures, database version 27100".
    std::string Description() const;

   private:
    friend class VirusScanner;
    explicit Session(std::shared_ptr<const Engine> engine) : engine_(std::move(engine)) {}
    std::shared_ptr<const Engine> engine_;
  };
  // Compiles the databases anew first when their directory changed (at
  // most every 10 s; other sessions meanwhile get the engine in use). A
  // reload that fails keeps the old engine until the directory changes
  // again; last_reload_error() says why.
  Session NewSession();
  std::string last_reload_error();

 private:
  explicit VirusScanner(VirusScanOptions options) : options_(std::move(options)) {}
  Result<std::shared_ptr<Engine>> Load() const;

  const VirusScanOptions options_;
  std::mutex mu_;
  std::shared_ptr<const Engine> engine_;  // guarded by mu_
  std::shared_ptr<void> watch_;           // guarded by mu_: the directory as last seen (a cl_stat)
  int64_t next_check_ = 0;                // guarded by mu_; monotonic seconds
  bool reloading_ = false;                // guarded by mu_
  std::string reload_error_;              // guarded by mu_
};

}  // namespace bevara::ingest::scan
