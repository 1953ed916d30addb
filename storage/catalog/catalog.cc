#include "storage/catalog/catalog.h"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <sys/stat.h>

#include <cstdarg>
#include <charconv>
#include <cstdio>
#include <set>
#include <nlohmann/json.hpp>

#include "src/common/json_util.h"

namespace bevara::storage {
namespace {

using nlohmann::json;

std::string VersionKey(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08u", v);
  return buf;
}

// Joins fields with '\0' after a one-letter table prefix.
std::string Key(char table, std::initializer_list<std::string_view> fields) {
  std::string k(1, table);
  for (std::string_view f : fields) {
    k.push_back('\0');
    k.append(f);
  }
  return k;
}

std::vector<std::string_view> SplitKey(std::string_view key) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    size_t end = key.find('\0', start);
    parts.push_back(key.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

Status FromRocks(const rocksdb::Status& s) {
  if (s.ok()) return Status::OK();
  if (s.IsNotFound()) return Status::NotFound(s.ToString());
  if (s.IsCorruption()) return Status::Corruption("catalog: " + s.ToString());
  if (s.IsNoSpace()) return Status::NoSpace("catalog: " + s.ToString());
  return Status::IOError("catalog: " + s.ToString());
}

constexpr uint32_t kRowsPerBatch = 8192;

Result<json> ParseJson(std::string_view value) {
  json j = json::parse(value, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::Corruption("catalog: a value is not JSON");
  return j;
}

// A row's value as T; Corruption (not an exception) when it does not map.
template <typename T>
Result<T> RowAs(std::string_view value, const char* what) {
  auto v = ParseJsonAs<T>(value);
  if (!v.ok()) return Status::Corruption(std::string("catalog: a ") + what + " row does not read: " + v.status().message());
  return v;
}

uint32_t ParseVersionKey(std::string_view text) {
  uint32_t v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v);
  return v;
}

}  // namespace

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(PackageSummary, id, head, producer_id, producer_name, label, created, updated)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(VersionSummary, package_id, version, created, message, record, inventory, aip_mets,
                                   file_count, total_bytes)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Removal, package_id, through_version, at, reason, by)

namespace {

// RocksDB's own diagnostics, to stderr and only when they matter. Not its
// LOG file: that is one more file to write on a disk that may be full, and
// a failed write to it ends the process on an assertion when RocksDB closes.
class StderrLogger final : public rocksdb::Logger {
 public:
  StderrLogger() : rocksdb::Logger(rocksdb::InfoLogLevel::ERROR_LEVEL) {}
  using rocksdb::Logger::Logv;
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    if (level < GetInfoLogLevel()) return;
    std::fputs("catalog (RocksDB): ", stderr);
    std::vfprintf(stderr, format, ap);
    std::fputc('\n', stderr);
  }
};

std::shared_ptr<rocksdb::Logger> CatalogLogger() {
  static auto* logger = new std::shared_ptr<rocksdb::Logger>(std::make_shared<StderrLogger>());
  return *logger;
}

}  // namespace

Catalog::Catalog(rocksdb::DB* db) : db_(db) {}
Catalog::~Catalog() = default;

Result<std::unique_ptr<Catalog>> Catalog::OpenReadOnly(const std::string& path) {
  rocksdb::Options options;
  options.paranoid_checks = true;
  options.max_open_files = 64;
  options.info_log = CatalogLogger();
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::OpenForReadOnly(options, path, &db);
  if (!s.ok()) return FromRocks(s);
  return std::unique_ptr<Catalog>(new Catalog(db));
}

Result<std::unique_ptr<Catalog>> Catalog::Open(const std::string& path, const CatalogOptions& catalog_options) {
  rocksdb::Options options;
  if (catalog_options.rocksdb_env) options.env = catalog_options.rocksdb_env;
  options.create_if_missing = true;
  options.paranoid_checks = true;
  // No preallocation: RocksDB would reserve megabytes ahead for its log and
  // MANIFEST (4 MB and more), fail on a nearly full disk, and then abort on
  // an assertion; written as they grow, they need only what they hold.
  options.allow_fallocate = false;
  options.info_log = CatalogLogger();
  options.max_open_files = 256;
  options.keep_log_file_num = 4;
  // Small memtables: a large version's rows are flushed as they come rather
  // than held (an ingest stays under 200 MB whatever the package size).
  options.write_buffer_size = 16 << 20;
  options.max_write_buffer_number = 2;
  rocksdb::DB* db = nullptr;
  ::mkdir(path.c_str(), 0755);  // RocksDB reports a missing directory as an error before it makes it
  rocksdb::Status s = rocksdb::DB::Open(options, path, &db);
  if (!s.ok()) {
    if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
      return Status::Unavailable("the catalog is in use by another bevara process (" + s.ToString() + ")");
    }
    return FromRocks(s);
  }
  std::unique_ptr<Catalog> catalog(new Catalog(db));
  auto dropped = catalog->RecoverPending();
  if (!dropped.ok()) return dropped.status();
  return catalog;
}

Status Catalog::Resume() { return FromRocks(db_->Resume()); }

Status Catalog::VerifyChecksums() {
  rocksdb::ReadOptions options;
  options.verify_checksums = true;
  options.fill_cache = false;  // an audit of everything must not evict what users read
  return FromRocks(db_->VerifyChecksum(options));
}

// A version's file rows can be hundreds of thousands: written in one batch
// they would sit in memory twice (the batch and the memtable, ~125 MB for
// 100,000 files). So they go first, in small unsynced batches, under a
// pending marker; the last, synced batch writes the rows that make the
// version exist and removes the marker. Until then no reader sees the file
// rows (every lookup starts from a version row), and RecoverPending() drops
// the rows of a version whose last batch never came.
Status Catalog::CommitVersion(const VersionRecord& r, const std::string& record_blob) {
  const std::string ver = VersionKey(r.version);
  auto existing = GetPackage(r.package_id);
  if (!existing.ok()) return existing.status();
  if (*existing && (*existing)->head >= r.version) return Status::OK();  // already committed (rebuild, recovery)
  auto removed = GetRemoval(r.package_id);
  if (!removed.ok()) return removed.status();
  if (*removed) return Status::InvalidArgument("catalog: package '" + r.package_id + "' was removed");
  BEVARA_RETURN_IF_ERROR(DropPending(r.package_id, ver));  // rows of an earlier attempt that failed

  rocksdb::WriteOptions unsynced;
  rocksdb::WriteBatch batch;
  BEVARA_RETURN_IF_ERROR(FromRocks(batch.Put(Key('X', {r.package_id, ver}), "")));
  for (size_t i = 0; i < r.files.size(); ++i) {
    const FileRecord& f = r.files[i];
    BEVARA_RETURN_IF_ERROR(FromRocks(batch.Put(Key('F', {r.package_id, ver, f.path}), ToJsonText(ToJson(f)))));
    BEVARA_RETURN_IF_ERROR(FromRocks(batch.Put(Key('D', {f.sha256, r.package_id, ver, f.path}), "")));
    if (batch.Count() >= kRowsPerBatch) {
      BEVARA_RETURN_IF_ERROR(FromRocks(db_->Write(unsynced, &batch)));
      batch.Clear();
    }
  }
  BEVARA_RETURN_IF_ERROR(FromRocks(db_->Write(unsynced, &batch)));
  batch.Clear();

  const PackageSummary package{r.package_id, r.version, r.producer_id, r.producer_name, r.label,
                               *existing ? (*existing)->created : r.created, r.created};
  const VersionSummary version{r.package_id, r.version,   r.created,    r.message,    record_blob,
                               r.inventory,  r.aip_mets, r.file_count, r.total_bytes};
  auto put = [&](const std::string& k, const std::string& v) { return FromRocks(batch.Put(k, v)); };
  BEVARA_RETURN_IF_ERROR(put(Key('P', {r.package_id}), ToJsonText(package)));
  BEVARA_RETURN_IF_ERROR(put(Key('V', {r.package_id, ver}), ToJsonText(version)));
  BEVARA_RETURN_IF_ERROR(put(Key('R', {r.producer_id, r.created, r.package_id, ver}), ""));
  BEVARA_RETURN_IF_ERROR(put(Key('T', {r.created, r.package_id, ver}), ""));
  for (size_t i = 0; i < r.events.size(); ++i) {
    BEVARA_RETURN_IF_ERROR(put(Key('E', {r.package_id, ver, VersionKey(static_cast<uint32_t>(i))}),
                               ToJsonText(ToJson(r.events[i]))));
  }
  BEVARA_RETURN_IF_ERROR(FromRocks(batch.Delete(Key('X', {r.package_id, ver}))));
  rocksdb::WriteOptions synced;
  synced.sync = true;  // also makes the earlier, unsynced batches durable (one WAL)
  return FromRocks(db_->Write(synced, &batch));
}

Status Catalog::DropPending(const std::string& id, const std::string& ver) {
  std::string marker;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), Key('X', {id, ver}), &marker);
  if (s.IsNotFound()) return Status::OK();
  if (!s.ok()) return FromRocks(s);
  rocksdb::WriteBatch batch;
  BEVARA_RETURN_IF_ERROR(Scan(Key('F', {id, ver}) + std::string(1, '\0'), [&](std::string_view key, std::string_view v) {
    auto j = ParseJson(v);
    if (!j.ok()) return j.status();
    auto parts = SplitKey(key);
    BEVARA_RETURN_IF_ERROR(FromRocks(batch.Delete(rocksdb::Slice(key.data(), key.size()))));
    return FromRocks(batch.Delete(Key('D', {(*j).value("sha256", ""), id, ver, parts.back()})));
  }));
  BEVARA_RETURN_IF_ERROR(FromRocks(batch.Delete(Key('X', {id, ver}))));
  rocksdb::WriteOptions synced;
  synced.sync = true;
  return FromRocks(db_->Write(synced, &batch));
}

Result<uint64_t> Catalog::RecoverPending() {
  std::vector<std::pair<std::string, std::string>> pending;
  BEVARA_RETURN_IF_ERROR(Scan(std::string("X") + '\0', [&](std::string_view key, std::string_view) {
    auto parts = SplitKey(key);
    if (parts.size() == 3) pending.emplace_back(std::string(parts[1]), std::string(parts[2]));
    return Status::OK();
  }));
  for (const auto& [id, ver] : pending) BEVARA_RETURN_IF_ERROR(DropPending(id, ver));
  // Removals whose file rows a crash left behind.
  std::vector<std::string> removed;
  BEVARA_RETURN_IF_ERROR(Scan(std::string("Z") + '\0', [&](std::string_view key, std::string_view) {
    auto parts = SplitKey(key);
    if (parts.size() == 2) removed.emplace_back(parts[1]);
    return Status::OK();
  }));
  for (const std::string& id : removed) BEVARA_RETURN_IF_ERROR(DeleteFileRows(id));
  return pending.size();
}

Status Catalog::DeleteFileRows(const std::string& id) {
  rocksdb::WriteBatch batch;
  rocksdb::WriteOptions unsynced;
  BEVARA_RETURN_IF_ERROR(Scan(Key('F', {id}) + std::string(1, '\0'), [&](std::string_view key, std::string_view v) {
    auto j = ParseJson(v);
    if (!j.ok()) return j.status();
    auto f = FileRecordFromJson(*j);
    if (!f.ok()) return f.status();
    auto parts = SplitKey(key);
    if (parts.size() != 4) return Status::Corruption("catalog: bad file row");
    BEVARA_RETURN_IF_ERROR(FromRocks(batch.Delete(rocksdb::Slice(key.data(), key.size()))));
    BEVARA_RETURN_IF_ERROR(FromRocks(batch.Delete(Key('D', {f->sha256, id, parts[2], parts[3]}))));
    if (batch.Count() >= kRowsPerBatch) {
      BEVARA_RETURN_IF_ERROR(FromRocks(db_->Write(unsynced, &batch)));
      batch.Clear();
    }
    return Status::OK();
  }));
  rocksdb::WriteOptions synced;
  synced.sync = true;
  return FromRocks(db_->Write(synced, &batch));
}

Status Catalog::RemovePackage(const Removal& removal) {
  const std::string& id = removal.package_id;
  auto already = GetRemoval(id);
  if (!already.ok()) return already.status();
  if (*already) return Status::OK();
  // One synced batch makes the package gone for every reader: its Z row,
  // and the rows every lookup starts from.
  rocksdb::WriteBatch batch;
  BEVARA_RETURN_IF_ERROR(FromRocks(batch.Put(Key('Z', {id}), ToJsonText(removal))));
  BEVARA_RETURN_IF_ERROR(FromRocks(batch.Delete(Key('P', {id}))));
  std::vector<VersionSummary> versions;
  BEVARA_RETURN_IF_ERROR(Scan(Key('V', {id}) + std::string(1, '\0'), [&](std::string_view key, std::string_view v) {
    auto version = RowAs<VersionSummary>(v, "version");
    if (!version.ok()) return version.status();
    versions.push_back(*version);
    return FromRocks(batch.Delete(rocksdb::Slice(key.data(), key.size())));
  }));
  auto package = GetPackage(id);
  if (!package.ok()) return package.status();
  for (const VersionSummary& v : versions) {
    const std::string ver = VersionKey(v.version);
    if (*package) BEVARA_RETURN_IF_ERROR(FromRocks(batch.Delete(Key('R', {(*package)->producer_id, v.created, id, ver}))));
    BEVARA_RETURN_IF_ERROR(FromRocks(batch.Delete(Key('T', {v.created, id, ver}))));
    BEVARA_RETURN_IF_ERROR(Scan(Key('E', {id, ver}) + std::string(1, '\0'), [&](std::string_view key, std::string_view) {
      return FromRocks(batch.Delete(rocksdb::Slice(key.data(), key.size())));
    }));
  }
  rocksdb::WriteOptions synced;
  synced.sync = true;
  BEVARA_RETURN_IF_ERROR(FromRocks(db_->Write(synced, &batch)));
  // The file rows: many, and unreachable now; a crash here leaves them to Open.
  return DeleteFileRows(id);
}

Result<std::optional<Removal>> Catalog::GetRemoval(const std::string& id) {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), Key('Z', {id}), &value);
  if (s.IsNotFound()) return std::optional<Removal>();
  if (!s.ok()) return FromRocks(s);
  auto removal = RowAs<Removal>(value, "removal");
  if (!removal.ok()) return removal.status();
  return std::optional<Removal>(std::move(*removal));
}

Result<std::optional<PackageSummary>> Catalog::GetPackage(const std::string& id) {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), Key('P', {id}), &value);
  if (s.IsNotFound()) return std::optional<PackageSummary>();
  if (!s.ok()) return FromRocks(s);
  auto package = RowAs<PackageSummary>(value, "package");
  if (!package.ok()) return package.status();
  return std::optional<PackageSummary>(std::move(*package));
}

Result<std::optional<VersionSummary>> Catalog::GetVersion(const std::string& id, uint32_t version) {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), Key('V', {id, VersionKey(version)}), &value);
  if (s.IsNotFound()) return std::optional<VersionSummary>();
  if (!s.ok()) return FromRocks(s);
  auto summary = RowAs<VersionSummary>(value, "version");
  if (!summary.ok()) return summary.status();
  return std::optional<VersionSummary>(std::move(*summary));
}

Result<std::optional<FileRecord>> Catalog::GetFile(const std::string& id, uint32_t version, const std::string& path) {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), Key('F', {id, VersionKey(version), path}), &value);
  if (s.IsNotFound()) return std::optional<FileRecord>();
  if (!s.ok()) return FromRocks(s);
  auto j = ParseJson(value);
  if (!j.ok()) return j.status();
  auto file = FileRecordFromJson(*j);
  if (!file.ok()) return file.status();
  return std::optional<FileRecord>(std::move(*file));
}

Status Catalog::Scan(const std::string& prefix,
                     const std::function<Status(std::string_view key, std::string_view value)>& fn) {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    Status s = fn(it->key().ToStringView(), it->value().ToStringView());
    if (s.IsStopIteration()) return Status::OK();
    BEVARA_RETURN_IF_ERROR(s);
  }
  return FromRocks(it->status());
}

Status Catalog::ForEachFile(const std::string& id, uint32_t version,
                            const std::function<Status(const FileRecord&)>& fn) {
  return Scan(Key('F', {id, VersionKey(version)}) + std::string(1, '\0'), [&](std::string_view, std::string_view v) {
    auto j = ParseJson(v);
    if (!j.ok()) return j.status();
    auto f = FileRecordFromJson(*j);
    if (!f.ok()) return f.status();
    return fn(*f);
  });
}

Status Catalog::ForEachEvent(const std::string& id, uint32_t version,
                             const std::function<Status(const PremisEvent&)>& fn) {
  return Scan(Key('E', {id, VersionKey(version)}) + std::string(1, '\0'), [&](std::string_view, std::string_view v) {
    auto j = ParseJson(v);
    if (!j.ok()) return j.status();
    auto e = PremisEventFromJson(*j);
    if (!e.ok()) return e.status();
    return fn(*e);
  });
}

Status Catalog::ForEachVersion(const std::function<Status(const VersionSummary&)>& fn) {
  return Scan(std::string("V") + '\0', [&](std::string_view, std::string_view v) {
    auto version = RowAs<VersionSummary>(v, "version");
    if (!version.ok()) return version.status();
    return fn(*version);
  });
}

Status Catalog::ForEachRemoval(const std::function<Status(const Removal&)>& fn) {
  return Scan(std::string("Z") + '\0', [&](std::string_view, std::string_view v) {
    auto removal = RowAs<Removal>(v, "removal");
    if (!removal.ok()) return removal.status();
    return fn(*removal);
  });
}

Status Catalog::ListPackages(const PackageFilter& filter, const std::function<Status(const PackageSummary&)>& fn) {
  auto emit = [&](const std::string& id) -> Status {
    auto p = GetPackage(id);
    if (!p.ok()) return p.status();
    return *p ? fn(**p) : Status::OK();
  };
  if (filter.producer.empty() && filter.created_from.empty() && filter.created_to.empty()) {
    return Scan(std::string("P") + '\0', [&](std::string_view, std::string_view v) {
      auto package = RowAs<PackageSummary>(v, "package");
      if (!package.ok()) return package.status();
      return fn(*package);
    });
  }
  // By producer (R rows) or by date (T rows); a package shows once, at the
  // first of its versions that matches.
  std::string prefix = filter.producer.empty() ? std::string("T") + std::string(1, '\0') : Key('R', {filter.producer}) + std::string(1, '\0');
  size_t date_field = filter.producer.empty() ? 1 : 2;
  std::set<std::string> seen;
  return Scan(prefix, [&](std::string_view key, std::string_view) -> Status {
    auto parts = SplitKey(key);
    if (parts.size() < date_field + 3) return Status::OK();
    std::string_view created = parts[date_field];
    if (!filter.created_from.empty() && created < filter.created_from) return Status::OK();
    if (!filter.created_to.empty() && created >= filter.created_to) return Status::OK();
    std::string id(parts[date_field + 1]);
    if (!seen.insert(id).second) return Status::OK();
    return emit(id);
  });
}

Status Catalog::ForEachHolder(
    const std::string& sha256,
    const std::function<Status(const std::string& id, uint32_t version, const std::string& path)>& fn) {
  return Scan(Key('D', {sha256}) + std::string(1, '\0'), [&](std::string_view key, std::string_view) -> Status {
    auto parts = SplitKey(key);
    if (parts.size() != 5) return Status::Corruption("catalog: bad digest row");
    return fn(std::string(parts[2]), ParseVersionKey(parts[3]), std::string(parts[4]));
  });
}

Status Catalog::ForEachContentDigest(const std::function<Status(const std::string& sha256)>& fn) {
  std::string last;
  return Scan(std::string("D") + '\0', [&](std::string_view key, std::string_view) -> Status {
    auto parts = SplitKey(key);
    if (parts.size() < 2 || parts[1] == last) return Status::OK();
    last = std::string(parts[1]);
    return fn(last);
  });
}

}  // namespace bevara::storage
