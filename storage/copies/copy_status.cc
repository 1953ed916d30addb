#include "storage/copies/copy_status.h"

#include "storage/copies/replicator.h"

namespace bevara::storage {

Result<nlohmann::json> CopiesStatus(Archive* archive, const CopySet& copies, const LagSource& lag_source) {
  nlohmann::json out = {{"level", true}, {"copies", nlohmann::json::array()}};
  for (const OpenCopy& copy : copies.copies()) {
    const CopySpec* spec = copies.policy().Find(copy.name);
    nlohmann::json c = {{"name", copy.name},
                        {"type", copy.local ? "local" : "s3"},
                        {"where", copies.Where(copy.name)},
                        {"acknowledge", spec->acknowledge ? "all" : "local"},
                        {"audit_period_days", spec->audit_period_days},
                        {"audit_max_bytes_per_second", spec->audit_max_bytes_per_second},
                        {"damaged", nlohmann::json::array()}};
    std::map<std::string, nlohmann::json> damaged;
    for (const auto& [blob, state] : copy.ledger->Damaged()) damaged[blob] = {{"blob", blob}, {"finding", state.damage}};
    if (copy.local) {
      for (const DamageNote& note : archive->damage()->All()) {
        damaged[note.blob] = {{"blob", note.blob}, {"finding", note.kind}, {"since", note.at}};
      }
    } else {
      c["object_lock_days"] = spec->s3.object_lock_days;
      // The lag first, then the confirmations: replication goes on while
      // this reads, and read the other way round a copy could show "level"
      // beside a count taken before its last blobs were confirmed.
      auto lag = lag_source ? lag_source(copy) : MeasureLag(archive, *copy.ledger);
      if (!lag.ok()) return lag.status();
      c["confirmed"] = {{"blobs", copy.ledger->confirmed_blobs()}, {"bytes", copy.ledger->confirmed_bytes()}};
      nlohmann::json sample = nlohmann::json::array();
      for (const MissingBlob& m : lag->sample) {
        sample.push_back({{"blob", m.blob}, {"size", m.size}, {"package", m.package}, {"version", m.version}});
      }
      c["lag"] = {{"blobs", lag->blobs}, {"bytes", lag->bytes}, {"sample", sample}};
      if (lag->blobs > 0) out["level"] = false;
    }
    for (auto& [blob, j] : damaged) c["damaged"].push_back(j);
    if (!damaged.empty()) out["level"] = false;
    out["copies"].push_back(c);
  }
  return out;
}

}  // namespace bevara::storage
