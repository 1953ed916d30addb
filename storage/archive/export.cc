#include "storage/archive/export.h"

#include <nlohmann/json.hpp>

#include <set>
#include <vector>

#include "src/common/digest.h"
#include "src/common/file_util.h"
#include "src/common/path.h"
#include "storage/aip/inventory.h"

namespace bevara::storage {
namespace {

constexpr char kLayoutExtension[] = "0004-hashed-n-tuple-storage-layout";

// Creates `dir` and its missing parents; `made` remembers what exists (an
// export of 100,000 files asks for the same few folders again and again).
Status MakeDirs(Env* env, const std::string& dir, std::set<std::string>* made) {
  if (dir.empty() || made->count(dir)) return Status::OK();
  BEVARA_RETURN_IF_ERROR(CreateDirs(env, dir));
  made->insert(dir);
  return Status::OK();
}

// Writes files below one root directory, creating folders as needed.
class TreeWriter {
 public:
  TreeWriter(Archive* archive, std::string root) : archive_(archive), env_(archive->env()), root_(std::move(root)) {}

  Status Init() {
    auto info = env_->Lstat(root_);
    if (info.ok()) {
      if (info->type != FileType::kDirectory) return Status::InvalidArgument(root_ + " exists and is not a directory");
      auto names = env_->ListDir(root_);
      if (!names.ok()) return names.status();
      if (!names->empty()) return Status::InvalidArgument(root_ + " is not empty");
    }
    return MakeDirs(env_, root_, &made_);
  }

  // Copies blob `name` to `path`, re-hashing it on the way. The bytes go to
  // a hidden temporary file first and take their name only once they hashed
  // right: an export never leaves a file whose bytes it did not verify. A
  // blob found damaged is recorded in the damage register.
  Status CopyBlob(const std::string& name, const std::string& path, ExportStats* stats) {
    if (!IsSafeRelativePath(path)) return Status::Corruption("refusing to export to the unsafe path '" + path + "'");
    if (auto known = archive_->damage()->Find(name)) {
      return Status::Corruption("blob " + name + " (for " + path + ") is known to be damaged (" + known->kind +
                                ", found " + known->at + "); restore it from a good copy, then run bevara audit");
    }
    auto in = archive_->store()->Open(name);
    if (!in.ok()) {
      if (in.status().IsNotFound()) return Damaged(name, path, "missing", "the blob is not in the store");
      return in.status();
    }
    const std::string full = root_ + "/" + path;
    BEVARA_RETURN_IF_ERROR(MakeDirs(env_, DirName(full), &made_));
    const std::string temp = DirName(full) + "/.bevara-export-" + name;
    auto out = env_->CreateExclusive(temp, kDefaultFileMode);
    if (!out.ok()) return out.status();
    uint64_t bytes = 0;
    auto digest = ReadHashing(in->get(), [&](const char* piece, size_t n) {
      bytes += n;
      return (*out)->Append(piece, n);
    });
    Status closed = (*out)->Close();
    Status s = !digest.ok() ? digest.status() : closed;
    if (s.ok() && *digest != name) s = Damaged(name, path, "corrupt", "content has SHA-256 " + *digest);
    if (s.ok()) s = env_->RenameNoReplace(temp, full);
    if (!s.ok()) {
      (void)env_->RemoveFile(temp);
      return s;
    }
    stats->bytes += bytes;
    ++stats->files;
    return Status::OK();
  }

  Status WriteText(const std::string& path, std::string_view text) {
    auto out = Create(path);
    if (!out.ok()) return out.status();
    BEVARA_RETURN_IF_ERROR((*out)->Append(text.data(), text.size()));
    return (*out)->Close();
  }

  Status Sync() { return env_->SyncFileSystem(root_); }

 private:
  Status Damaged(const std::string& name, const std::string& path, const std::string& kind, const std::string& detail) {
    Status recorded = archive_->damage()->MarkDamaged({name, kind, detail, "export", ""});
    return Status::Corruption("blob " + name + " (for " + path + ") is damaged: " + detail +
                              (recorded.ok() ? "" : " (the damage register could not record it: " +
                                                        recorded.ToString() + ")") +
                              "; restore it from a good copy, then run bevara audit");
  }

  Result<std::unique_ptr<WritableFile>> Create(const std::string& path) {
    std::string full = root_ + "/" + path;
    BEVARA_RETURN_IF_ERROR(MakeDirs(env_, DirName(full), &made_));
    return env_->CreateExclusive(full, kDefaultFileMode);
  }

  Archive* archive_;
  Env* env_;
  std::string root_;
  std::set<std::string> made_;
};

Result<nlohmann::json> ParseInventory(Archive* archive, const std::string& blob, std::string* text) {
  auto data = archive->ReadBlob(blob);
  if (!data.ok()) return data.status();
  nlohmann::json j = nlohmann::json::parse(*data, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j["manifest"].is_object()) return Status::Corruption("inventory " + blob + " is not readable");
  *text = std::move(*data);
  return j;
}

// One OCFL object: every version's inventory and the content it introduced.
Status ExportObjectUnguarded(Archive* archive, TreeWriter* out, const PackageSummary& p, ExportStats* stats) {
  const std::string root = OcflObjectPath(p.id);
  BEVARA_RETURN_IF_ERROR(out->WriteText(root + "/0=ocfl_object_1.1", "ocfl_object_1.1\n"));
  std::string inventory_text;
  for (uint32_t v = 1; v <= p.head; ++v) {
    auto version = archive->catalog()->GetVersion(p.id, v);
    if (!version.ok()) return version.status();
    if (!*version) return Status::Corruption("catalog: " + p.id + " lacks version " + std::to_string(v));
    auto inventory = ParseInventory(archive, (*version)->inventory, &inventory_text);
    if (!inventory.ok()) return inventory.status();
    const std::string name = OcflVersionName(v);
    const std::string content_prefix = name + "/content/";
    for (const auto& [digest, paths] : (*inventory)["manifest"].items()) {
      for (const auto& path : paths) {
        std::string content_path = path.get<std::string>();
        if (content_path.rfind(content_prefix, 0) != 0) continue;
        BEVARA_RETURN_IF_ERROR(out->CopyBlob(digest, root + "/" + content_path, stats));
      }
    }
    // The sidecar holds the digest of the exact inventory bytes, written after them.
    const std::string sidecar = Sha256Hex(inventory_text) + " inventory.json\n";
    BEVARA_RETURN_IF_ERROR(out->WriteText(root + "/" + name + "/inventory.json", inventory_text));
    BEVARA_RETURN_IF_ERROR(out->WriteText(root + "/" + name + "/inventory.json.sha256", sidecar));
    if (v == p.head) {
      BEVARA_RETURN_IF_ERROR(out->WriteText(root + "/inventory.json", inventory_text));
      BEVARA_RETURN_IF_ERROR(out->WriteText(root + "/inventory.json.sha256", sidecar));
    }
    ++stats->versions;
  }
  ++stats->packages;
  return Status::OK();
}

// The inventories are bevara's own, but read back from the store: a value of
// another shape in one is Corruption, not an exception.
Status ExportObject(Archive* archive, TreeWriter* out, const PackageSummary& p, ExportStats* stats) {
  try {
    return ExportObjectUnguarded(archive, out, p, stats);
  } catch (const std::exception& e) {
    return Status::Corruption("the inventory of '" + p.id + "' does not read: " + e.what());
  }
}

}  // namespace

std::string OcflObjectPath(const std::string& object_id) {
  std::string h = Sha256Hex(object_id);
  return h.substr(0, 3) + "/" + h.substr(3, 3) + "/" + h.substr(6, 3) + "/" + h;
}

Result<ExportStats> ExportPackage(Archive* archive, const std::string& package_id, const std::string& dir,
                                  uint32_t version) {
  auto package = archive->catalog()->GetPackage(package_id);
  if (!package.ok()) return package.status();
  if (!*package) return Status::NotFound("no package '" + package_id + "' in the archive");
  if (version == 0) version = (*package)->head;
  auto summary = archive->catalog()->GetVersion(package_id, version);
  if (!summary.ok()) return summary.status();
  if (!*summary) return Status::NotFound("package '" + package_id + "' has no version " + std::to_string(version));
  TreeWriter out(archive, dir);
  BEVARA_RETURN_IF_ERROR(out.Init());
  ExportStats stats;
  BEVARA_RETURN_IF_ERROR(archive->catalog()->ForEachFile(
      package_id, version, [&](const FileRecord& f) { return out.CopyBlob(f.sha256, f.path, &stats); }));
  BEVARA_RETURN_IF_ERROR(out.Sync());
  stats.packages = stats.versions = 1;
  return stats;
}

Result<ExportStats> ExportOcfl(Archive* archive, const std::string& dir) {
  TreeWriter out(archive, dir);
  BEVARA_RETURN_IF_ERROR(out.Init());
  BEVARA_RETURN_IF_ERROR(out.WriteText("0=ocfl_1.1", "ocfl_1.1\n"));
  nlohmann::json layout = {{"extension", kLayoutExtension},
                           {"description", "Object identifiers are hashed with SHA-256; the hex digest is split into "
                                           "three 3-character tuples and the full digest, which form the object's "
                                           "path under the storage root."}};
  BEVARA_RETURN_IF_ERROR(out.WriteText("ocfl_layout.json", layout.dump(2) + "\n"));
  nlohmann::json config = {{"extensionName", kLayoutExtension},
                           {"digestAlgorithm", "sha256"},
                           {"tupleSize", 3},
                           {"numberOfTuples", 3},
                           {"shortObjectRoot", false}};
  BEVARA_RETURN_IF_ERROR(
      out.WriteText(std::string("extensions/") + kLayoutExtension + "/config.json", config.dump(2) + "\n"));
  ExportStats stats;
  BEVARA_RETURN_IF_ERROR(archive->catalog()->ListPackages(
      {}, [&](const PackageSummary& p) { return ExportObject(archive, &out, p, &stats); }));
  BEVARA_RETURN_IF_ERROR(out.Sync());
  return stats;
}

}  // namespace bevara::storage
