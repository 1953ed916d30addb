// libFuzzer target: any bytes, read as a package's METS.xml: the secure
// validating parse, the METS model, the profile checks and href resolution.
// Sequential and two-thread paths are both exercised.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "ingest/mets/href.h"
#include "ingest/mets/mets_reader.h"
#include "ingest/validate/profile_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bevara::ingest;
  static auto schemas = *SchemaSet::Shared();
  static SecureSaxParser validating(schemas), building(schemas);
  size_t pos = 0;
  ByteSource source = [&](char* buf, size_t n) -> bevara::Result<size_t> {
    size_t k = std::min(n, size - pos);
    std::memcpy(buf, data + pos, k);
    pos += k;
    return k;
  };
  SaxOptions options;
  options.max_bytes = 1 << 20;
  MetsDocument doc;
  // The first byte chooses the path, so both get fuzzed.
  bool parallel = size > 0 && (data[0] & 1);
  ReadMetsDocument(&validating, &building, source, parallel ? kParallelThreshold + 1 : 0, "METS.xml", 10000,
                   options, &doc);
  ValidationReport report;
  MetsPlace place{"METS.xml", "package"};
  CheckRootMets(doc, DetectProfile(doc, false), place, &report);
  CheckRootMets(doc, PackageProfile::kFgs2, place, &report);
  CheckRootMets(doc, PackageProfile::kFgs12, place, &report);
  CheckRepresentationMets(doc, place, &report);
  for (const FileDeclaration& f : doc.files) (void)ResolveHref(f.href, "representations/rep1");
  (void)report.ToJson();
  return 0;
}
