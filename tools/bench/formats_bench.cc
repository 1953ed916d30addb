// bevara-bench-formats: the parts of PRONOM identification and virus
// scanning that a whole ingest hides (run by tools/bench/bench_formats.sh).
//   compile                 compiling the signature files compiled in: best of 5, seconds
//   identify FILE...        identification as the ingest does it (first and last 64 KiB,
//                           containers read back): microseconds per file, files/s
//   scan DBDIR FILE         one ClamAV scan of FILE with the databases in DBDIR, seconds
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "ingest/formats/pronom_identifier.h"
#include "ingest/formats/stored_container.h"
#include "ingest/scan/virus_scanner.h"

using namespace bevara;
using Clock = std::chrono::steady_clock;

namespace {

double Since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

int Compile() {
  double best = 1e9;
  for (int i = 0; i < 5; ++i) {
    auto start = Clock::now();
    auto id = ingest::formats::PronomIdentifier::CreateEmbedded();
    if (!id.ok()) return std::cerr << id.status().ToString() << "\n", 1;
    best = std::min(best, Since(start));
  }
  std::printf("%.4f\n", best);
  return 0;
}

int Identify(int argc, char** argv) {
  auto id = ingest::formats::PronomIdentifier::SharedEmbedded();
  if (!id.ok()) return std::cerr << id.status().ToString() << "\n", 1;
  size_t files = 0, identified = 0;
  auto start = Clock::now();
  for (int i = 0; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    ingest::formats::ScanBuffer buffer(ingest::formats::PronomIdentifier::kScanBytes);
    char chunk[1 << 16];
    while (in.read(chunk, sizeof chunk) || in.gcount() > 0) buffer.Append(chunk, static_cast<size_t>(in.gcount()));
    auto file = Env::Default()->OpenForRead(argv[i], {});
    if (!file.ok()) continue;
    ingest::formats::StoredContainer container(file->get());
    auto r = (*id)->Identify(buffer.Window(), argv[i], &container);
    ++files;
    identified += r.matches.size() == 1;
  }
  double seconds = Since(start);
  std::printf("%zu files (%zu identified) in %.3f s: %.1f us per file, %.0f files/s (reading included)\n", files,
              identified, seconds, seconds / files * 1e6, files / seconds);
  return 0;
}

int Scan(const char* db, const char* path) {
  ingest::scan::VirusScanOptions options;
  options.database_dir = db;
  auto scanner = ingest::scan::VirusScanner::Open(options);
  if (!scanner.ok()) return std::cerr << scanner.status().ToString() << "\n", 1;
  auto file = Env::Default()->OpenForRead(path, {});
  if (!file.ok()) return std::cerr << file.status().ToString() << "\n", 1;
  auto start = Clock::now();
  auto verdict = (*scanner)->NewSession().Scan(file->get(), path);
  double seconds = Since(start);
  if (!verdict.ok()) return std::cerr << verdict.status().ToString() << "\n", 1;
  std::printf("%.3f\n", seconds);
  return verdict->kind == ingest::scan::ScanVerdict::Kind::kClean ? 0 : 3;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "compile") return Compile();
  if (mode == "identify" && argc > 2) return Identify(argc - 2, argv + 2);
  if (mode == "scan" && argc == 4) return Scan(argv[2], argv[3]);
  std::cerr << "usage: bevara-bench-formats compile | identify FILE... | scan DBDIR FILE\n";
  return 2;
}
