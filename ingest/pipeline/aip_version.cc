#include "ingest/pipeline/aip_version.h"

#include "storage/aip/aip_mets.h"
#include "storage/aip/inventory.h"

namespace bevara::ingest {

using storage::FileRecord;
using storage::VersionRecord;

Result<std::string> StageBlob(storage::BlobBatch* batch, const std::function<Status(const PieceSink&)>& write,
                              uint64_t* size) {
  auto writer = batch->NewBlob();
  if (!writer.ok()) return writer.status();
  uint64_t bytes = 0;
  BEVARA_RETURN_IF_ERROR(write([&](std::string_view piece) {
    bytes += piece.size();
    return (*writer)->Append(piece.data(), piece.size());
  }));
  if (size) *size = bytes;
  return (*writer)->Finish();
}

Result<std::string> StageAipVersion(storage::BlobBatch* batch, std::string previous_inventory, VersionRecord* r) {
  uint64_t aip_size = 0;
  auto aip = StageBlob(batch, [&](const PieceSink& sink) { return storage::WriteAipMets(*r, sink); }, &aip_size);
  if (!aip.ok()) return aip.status();
  r->aip_mets = *aip;
  // "METS.xml" sorts before "submission/...": the list stays sorted by path.
  r->files.insert(r->files.begin(), FileRecord{kAipMetsPath, aip_size, *aip, {}, "application/xml", "text/xml"});
  for (const FileRecord& f : r->files) r->total_bytes += f.size;
  r->file_count = r->files.size();

  storage::InventoryVersion version{r->created, r->message, r->producer_name, {}, {}, {}};
  for (const FileRecord& f : r->files) {  // sorted by path, so each digest's paths are too
    version.state[f.sha256].push_back(f.path);
    if (!f.fixity.empty()) version.declared_digests[f.path] = &f.fixity;
  }
  auto inventory = StageBlob(batch, [&](const PieceSink& sink) {
    return storage::WriteNextInventory(std::move(previous_inventory), r->package_id, version, sink);
  });
  if (!inventory.ok()) return inventory.status();
  r->inventory = *inventory;
  return StageBlob(batch, [&](const PieceSink& sink) { return storage::WriteJson(*r, sink); });
}

}  // namespace bevara::ingest
