// bevara-bench-mets FILE: validates one METS file exactly as `bevara validate`
// does (ReadMetsDocument: secure SAX2 parse against the embedded schemas,
// building the METS model; two threads for a large METS), and prints the
// time and the process's peak memory. BEVARA_SEQUENTIAL=1 forces one thread. The benchmark
// script compares it with xmllint on the same file and schemas.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "ingest/mets/mets_reader.h"
#include "ingest/xml/secure_sax.h"
#include "src/common/env.h"

int main(int argc, char** argv) {
  using namespace bevara;
  if (argc != 2) {
    std::cerr << "usage: bevara-bench-mets METS.xml\n";
    return 2;
  }
  auto schemas = ingest::SchemaSet::Shared();
  if (!schemas.ok()) {
    std::cerr << schemas.status().ToString() << "\n";
    return 2;
  }
  auto file = Env::Default()->OpenForRead(argv[1]);
  if (!file.ok()) {
    std::cerr << file.status().ToString() << "\n";
    return 2;
  }
  auto start = std::chrono::steady_clock::now();
  auto info = Env::Default()->Lstat(argv[1]);
  ingest::SecureSaxParser validating(*schemas), building(*schemas);
  ingest::MetsDocument doc;
  ingest::ByteSource source = [&](char* buf, size_t n) { return (*file)->Read(buf, n); };
  ingest::SaxOptions options;
  options.max_bytes = 1ull << 30;
  bool sequential = std::getenv("BEVARA_SEQUENTIAL") != nullptr;  // for comparison
  ingest::SaxOutcome out =
      ingest::ReadMetsDocument(&validating, sequential ? nullptr : &building, source,
                               static_cast<int64_t>(info->size), argv[1], 10'000'000, options, &doc);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  std::printf("bytes=%llu files=%zu errors=%zu seconds=%.3f mb_per_s=%.1f max_rss_mb=%.1f\n",
              static_cast<unsigned long long>(out.bytes), doc.files.size(), out.issues.size(), seconds,
              out.bytes / seconds / 1e6, usage.ru_maxrss / 1024.0);
  return out.HasErrors() ? 1 : 0;
}
