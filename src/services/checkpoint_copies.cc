#include "src/services/checkpoint_copies.h"

#include <cstdio>

#include "src/common/digest.h"
#include "storage/blobs/s3_client.h"

namespace bevara::services {
namespace {

constexpr char kPrefix[] = "audit-checkpoints/";
constexpr uint64_t kMaxCheckpointBytes = 64 << 10;

Result<std::unique_ptr<storage::S3Client>> ClientFor(const storage::CopySpec& copy) {
  auto client = storage::S3Client::Make(copy.s3);
  if (!client.ok()) return client.status().WithMessage("copy " + copy.name + ": " + client.status().message());
  return client;
}

}  // namespace

std::string CheckpointKey(const access::LogCheckpoint& c) {
  char entries[24];
  std::snprintf(entries, sizeof entries, "%020llu", static_cast<unsigned long long>(c.entries));
  return std::string(kPrefix) + entries + "-" + c.at + "-" + c.key_id + ".json";
}

Status StoreCheckpointOnCopies(const storage::CopyPolicy& policy, const access::LogCheckpoint& c,
                               std::vector<std::string>* stored) {
  const std::string json = access::CheckpointJson(c) + "\n";
  for (const storage::CopySpec& copy : policy.copies) {
    if (copy.local) continue;
    auto client = ClientFor(copy);
    if (!client.ok()) return client.status();
    Status put = (*client)->Put(CheckpointKey(c), json.data(), json.size(), Sha256Hex(json));
    if (!put.ok()) return put.WithMessage("copy " + copy.name + ": " + put.message());
    stored->push_back(copy.name);
  }
  return Status::OK();
}

Result<std::vector<access::LogCheckpoint>> ReadCheckpointsFromCopy(const storage::CopySpec& copy) {
  if (copy.local) return Status::InvalidArgument("the local copy keeps its checkpoints in the data directory");
  auto client = ClientFor(copy);
  if (!client.ok()) return client.status();
  // Every version, those a delete hid included: a delete marker on a locked
  // copy hides a checkpoint from a listing, it does not remove it.
  std::vector<storage::S3Version> versions;
  BEVARA_RETURN_IF_ERROR((*client)->ListVersions(kPrefix, [&](const storage::S3Version& v) {
    if (v.delete_marker) return Status::OK();
    if (v.size > kMaxCheckpointBytes) return Status::Corruption("copy " + copy.name + ": " + v.key + " is no checkpoint (too large)");
    versions.push_back(v);
    return Status::OK();
  }));
  std::vector<access::LogCheckpoint> out;
  for (const storage::S3Version& v : versions) {
    const std::string& key = v.key;
    std::string text;
    BEVARA_RETURN_IF_ERROR((*client)->GetVersion(key, v.version_id, [&](const char* d, size_t n) {
      if (text.size() + n > kMaxCheckpointBytes) return Status::Corruption("copy " + copy.name + ": " + key + " is too large");
      text.append(d, n);
      return Status::OK();
    }));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    auto c = access::ParseCheckpoint(text);
    if (!c.ok()) return Status::Corruption("copy " + copy.name + ": " + key + " is no checkpoint: " + c.status().message());
    out.push_back(*c);
  }
  return out;
}

}  // namespace bevara::services
