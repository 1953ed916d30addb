// Fuzz target: any bytes as a package file, identified as the ingest does it
// (the shipped signature files; ZIP and OLE2 containers read from the bytes).
// No crash, no hang, bounded memory, and a window whose step budget ran out
// gives no format.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ingest/formats/pronom_identifier.h"
#include "ingest/formats/stored_container.h"
#include "src/common/memory_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bevara::ingest::formats;
  static const auto identifier = PronomIdentifier::SharedEmbedded();
  if (!identifier.ok()) __builtin_trap();
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  ScanBuffer buffer(PronomIdentifier::kScanBytes);
  buffer.Append(bytes.data(), bytes.size());
  bevara::MemoryFile file(bytes);
  StoredContainer container(&file);
  ScanWindow window = buffer.Window();
  Identification id = (*identifier)->Identify(window, "fuzz.bin", &container);
  if (window.exhausted() && !id.matches.empty()) __builtin_trap();
  return 0;
}
