#include "src/server/blob_response.h"

#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include <charconv>
#include <ctime>
#include <ostream>

#include <openssl/evp.h>

#include "src/common/digest.h"
#include "src/common/hex.h"
#include "src/common/path.h"
#include "src/common/percent_encoding.h"
#include "storage/blobs/blob_store.h"

namespace bevara::server {
namespace {

struct ByteRange {
  uint64_t first = 0, last = 0;  // inclusive
};

enum class RangeKind { kNone, kOne, kUnsatisfiable };

bool ParseU64(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

// RFC 9110 14.1: one "bytes=first-last", "bytes=first-" or "bytes=-suffix".
// Several ranges or another unit: served whole (a server may ignore Range).
RangeKind ParseRange(const std::string& header, uint64_t size, ByteRange* r) {
  if (header.rfind("bytes=", 0) != 0 || header.find(',') != std::string::npos) return RangeKind::kNone;
  std::string_view spec(header);
  spec.remove_prefix(6);
  size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return RangeKind::kNone;
  std::string_view a = spec.substr(0, dash), b = spec.substr(dash + 1);
  uint64_t x = 0, y = 0;
  if (a.empty()) {
    if (!ParseU64(b, &y)) return RangeKind::kNone;
    if (y == 0 || size == 0) return RangeKind::kUnsatisfiable;
    r->first = y >= size ? 0 : size - y;
    r->last = size - 1;
    return RangeKind::kOne;
  }
  if (!ParseU64(a, &x) || (!b.empty() && !ParseU64(b, &y))) return RangeKind::kNone;
  if (!b.empty() && y < x) return RangeKind::kNone;
  if (x >= size) return RangeKind::kUnsatisfiable;
  r->first = x;
  r->last = b.empty() || y >= size ? size - 1 : y;
  return RangeKind::kOne;
}

bool Dangerous(const std::string& type) {
  return type.find("html") != std::string::npos || type.find("xml") != std::string::npos ||
         type.find("svg") != std::string::npos || type.find("javascript") != std::string::npos;
}

std::string Disposition(const std::string& path, bool attachment) {
  std::string name = BaseName(path);
  std::string ascii;
  for (unsigned char c : name) ascii.push_back(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '_');
  return std::string(attachment ? "attachment" : "inline") + "; filename=\"" + ascii + "\"; filename*=UTF-8''" +
         PercentEncode(name, /*keep_slash=*/false);
}


Poco::Net::StreamSocket& Socket(Exchange& ex) {
  return static_cast<Poco::Net::HTTPServerRequestImpl&>(ex.request).socket();
}

bool SendAll(Exchange& ex, const char* data, size_t n) {
  for (size_t sent = 0; sent < n;) {
    int k = Socket(ex).sendBytes(data + sent, static_cast<int>(std::min<size_t>(n - sent, 1u << 30)));
    if (k <= 0) return false;
    sent += static_cast<size_t>(k);
  }
  return true;
}

// Writes [offset, offset+length) of a pinned (verified, locked) blob:
// straight from the page cache to the socket with sendfile on a plain
// connection, through a buffer on TLS.
bool SendPinnedBytes(Exchange& ex, ReadableFile* blob, uint64_t offset, uint64_t length) {
  const int fd = blob->NativeHandle();
  if (!ex.request.secure() && fd >= 0) {
    int sock = Socket(ex).impl()->sockfd();
    off_t pos = static_cast<off_t>(offset);
    while (length > 0) {
      ssize_t n = ::sendfile(sock, fd, &pos, std::min<uint64_t>(length, 1u << 30));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      length -= static_cast<uint64_t>(n);
    }
    return true;
  }
  if (!blob->Seek(static_cast<int64_t>(offset), SEEK_SET).ok()) return false;
  std::string buf(256 * 1024, '\0');
  while (length > 0) {
    auto n = blob->Read(buf.data(), std::min<uint64_t>(length, buf.size()));
    if (!n.ok() || *n == 0 || !SendAll(ex, buf.data(), *n)) return false;
    length -= *n;
  }
  return true;
}

enum class StreamOutcome { kSent, kClientGone, kDamaged };

// Reads the whole blob, hashing every byte, and sends [first, last] of it;
// the last piece it would send is held back until the whole blob has hashed
// right. A blob that does not match its name never sends its last bytes, so
// the client, promised Content-Length bytes, sees a failed transfer. Reading
// goes on when the client leaves, so that damage is still found.
StreamOutcome SendHashing(Exchange& ex, ReadableFile* blob, const std::string& sha256, uint64_t first, uint64_t last,
                          std::string* damage) {
  std::string held;
  uint64_t pos = 0;
  bool client_gone = false;
  auto digest = storage::ReadHashing(blob, [&](const char* data, size_t n) {
    const uint64_t end = pos + n;  // exclusive
    if (!client_gone && end > first && pos <= last) {
      const uint64_t from = std::max(pos, first), to = std::min(end - 1, last);
      if (!held.empty() && !SendAll(ex, held.data(), held.size())) client_gone = true;
      held.assign(data + (from - pos), to - from + 1);
    }
    pos = end;
    return Status::OK();
  });
  // A blob shorter or longer than promised hashes differently too.
  if (!digest.ok() || *digest != sha256) {
    *damage = digest.ok() ? "content has SHA-256 " + *digest : digest.status().ToString();
    return StreamOutcome::kDamaged;
  }
  if (client_gone || (!held.empty() && !SendAll(ex, held.data(), held.size()))) return StreamOutcome::kClientGone;
  return StreamOutcome::kSent;
}

// RFC 9530: the digest of the whole representation, also on a 206.
std::string ReprDigest(const std::string& sha256) {
  std::string raw;
  if (!HexDecode(sha256, &raw)) return "";
  std::string b64(4 * ((raw.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()),
                          reinterpret_cast<const unsigned char*>(raw.data()), static_cast<int>(raw.size()));
  b64.resize(static_cast<size_t>(n));
  return "sha-256=:" + b64 + ":";
}

void CutConnection(Exchange& ex) {
  ex.response.setKeepAlive(false);
  try {
    Socket(ex).shutdown();
  } catch (...) {  // already gone: nothing left to cut
  }
}

}  // namespace

void RecordDamage(storage::Archive* archive, Env* env, const std::string& sha256, const std::string& kind,
                  const std::string& detail, const std::string& found_by) {
  Status s = archive->damage()->MarkDamaged({sha256, kind, detail, found_by, ""});
  if (!s.ok()) env->Log(LogLevel::kError, "blob " + sha256 + " is damaged (" + detail + ") and the damage register "
                                              "could not record it: " + s.ToString());
}

void RefuseDamaged(storage::Archive* archive, Exchange& ex, const std::string& sha256, const std::string& kind,
                   const std::string& detail) {
  RecordDamage(archive, ex.env, sha256, kind, detail, "transfer");
  // The register knows it now, written to disk or not (MarkDamaged).
  SendDamaged(ex, archive->damage()->Find(sha256).value_or(storage::DamageNote{sha256, kind, detail, "transfer", ""}));
}

void SendDamaged(Exchange& ex, const storage::DamageNote& note) {
  ex.response.set("Cache-Control", "no-store");
  ex.response.erase("ETag");
  ex.response.erase("Repr-Digest");
  ex.response.erase("Content-Disposition");
  SendError(ex, 500, "file_damaged",
            "the archive's copy of this file is damaged (" + note.kind + ", found " + note.at +
                ") and is not served; the archive's staff must restore it from a good copy, after which an audit "
                "reads it whole and it is served again");
}

std::string BlobContentType(const storage::FileRecord& f) {
  if (!f.mime_detected.empty()) return f.mime_detected;
  if (!f.mime_declared.empty()) return f.mime_declared;
  return "application/octet-stream";
}

void SendBlob(const BlobSource& source, Exchange& ex, const std::string& sha256, uint64_t size,
              const std::string& content_type, const std::string& path) {
  storage::Archive* archive = source.archive;
  // Known damaged here: repaired from a good copy first (on this thread: a
  // file is small beside the wait of a person who cannot have it at all).
  if (archive->damage()->Find(sha256) && source.copies) (void)source.copies->RepairLocal(sha256);
  if (auto damaged = archive->damage()->Find(sha256)) return SendDamaged(ex, *damaged);
  auto& res = ex.response;
  const std::string etag = "\"" + sha256 + "\"";
  auto refuse = [&](const std::string& kind, const std::string& detail) {
    if (source.pins) source.pins->Forget(sha256);
    RefuseDamaged(archive, ex, sha256, kind, detail);
  };
  // Found missing or cut short now: recorded, repaired when a copy can, and
  // opened again; refused when not.
  Result<std::unique_ptr<ReadableFile>> blob = Status::NotFound("not opened");
  Result<int64_t> stored_size = int64_t{-1};
  std::string found, detail;
  for (int attempt = 0; attempt < 2; ++attempt) {
    blob = archive->store()->Open(sha256);
    if (!blob.ok() && !blob.status().IsNotFound()) return SendStatus(ex, blob.status());
    if (blob.ok()) {
      stored_size = (*blob)->Seek(0, SEEK_END);
      if (!stored_size.ok() || !(*blob)->Seek(0, SEEK_SET).ok()) return SendStatus(ex, stored_size.status());
      if (static_cast<uint64_t>(*stored_size) == size) break;
      found = "truncated", detail = "the blob has " + std::to_string(*stored_size) + " bytes, not " + std::to_string(size);
    } else {
      found = "missing", detail = "the blob is not in the store";
    }
    if (attempt == 1 || !source.copies) return refuse(found, detail);
    RecordDamage(archive, ex.env, sha256, found, detail, "transfer");
    if (!source.copies->RepairLocal(sha256).ok()) return refuse(found, detail);
  }
  res.set("ETag", etag);
  res.set("Repr-Digest", ReprDigest(sha256));
  res.set("Accept-Ranges", "bytes");
  // The bytes never change, but who may see them can: a cache keeps them
  // only to ask again (the route's access check runs on every revalidation),
  // and a route that answers the public has said "no-store" already.
  if (!res.has("Cache-Control")) res.set("Cache-Control", "private, no-cache");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Content-Security-Policy", "default-src 'none'; sandbox");
  res.set("Content-Disposition", Disposition(path, Dangerous(content_type)));
  if (ex.request.get("If-None-Match", "") == etag) {
    res.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_NOT_MODIFIED);
    res.setContentLength(0);
    res.send();
    return;
  }
  ByteRange range{0, size == 0 ? 0 : size - 1};
  RangeKind kind = RangeKind::kNone;
  const std::string if_range = ex.request.get("If-Range", etag);
  if (ex.request.has("Range") && if_range == etag) kind = ParseRange(ex.request.get("Range"), size, &range);
  if (kind == RangeKind::kUnsatisfiable) {
    res.set("Content-Range", "bytes */" + std::to_string(size));
    return SendError(ex, 416, "range_not_satisfiable", "the file has " + std::to_string(size) + " bytes");
  }
  // A blob that fits in memory is verified before anything is sent, so that
  // damage is an honest error; a larger one is verified as it is sent.
  PinnedBlobs::Lookup pinned;
  if (source.pins) pinned = source.pins->Acquire(sha256, blob->get(), size);
  if (pinned.outcome == PinnedBlobs::Outcome::kDamaged) {
    return refuse("corrupt", pinned.damage);
  }
  const uint64_t length = size == 0 ? 0 : range.last - range.first + 1;
  res.setContentType(content_type);
  if (kind == RangeKind::kOne) {
    res.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_PARTIAL_CONTENT);
    res.set("Content-Range", "bytes " + std::to_string(range.first) + "-" + std::to_string(range.last) + "/" +
                                 std::to_string(size));
  }
  res.setContentLength64(length);
  if (ex.request.getMethod() == "HEAD" || length == 0) {
    res.send().flush();
    return;
  }
  res.send().flush();  // headers out; the body follows from the file
  if (pinned.outcome == PinnedBlobs::Outcome::kPinned) {
    if (!SendPinnedBytes(ex, blob->get(), range.first, length)) res.setKeepAlive(false);
    return;
  }
  std::string damage;
  switch (SendHashing(ex, blob->get(), sha256, range.first, range.last, &damage)) {
    case StreamOutcome::kSent:
      return;
    case StreamOutcome::kClientGone:
      return res.setKeepAlive(false);
    case StreamOutcome::kDamaged:
      RecordDamage(archive, ex.env, sha256, "corrupt", damage, "transfer");
      return CutConnection(ex);
  }
}

namespace {

struct ZipSink {
  std::ostream* out;
};

la_ssize_t ZipWrite(struct archive*, void* data, const void* buf, size_t n) {
  auto* sink = static_cast<ZipSink*>(data);
  sink->out->write(static_cast<const char*>(buf), static_cast<std::streamsize>(n));
  return sink->out->good() ? static_cast<la_ssize_t>(n) : -1;
}

// Adds one entry from a blob; false when the blob is damaged or the client went away.
bool AddZipEntry(storage::Archive* archive, struct archive* zip, const std::string& name, const std::string& sha256,
                 uint64_t size, time_t mtime) {
  archive_entry* e = archive_entry_new();
  archive_entry_set_pathname_utf8(e, name.c_str());
  archive_entry_set_mtime(e, mtime, 0);
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_perm(e, 0644);
  archive_entry_set_size(e, static_cast<la_int64_t>(size));
  bool ok = archive_write_header(zip, e) == ARCHIVE_OK;
  archive_entry_free(e);
  if (!ok) return false;
  auto blob = archive->store()->Open(sha256);
  if (!blob.ok()) {
    if (blob.status().IsNotFound()) {
      RecordDamage(archive, archive->env(), sha256, "missing", "the blob is not in the store", "transfer");
    }
    return false;
  }
  bool client_gone = false;
  auto digest = storage::ReadHashing(blob->get(), [&](const char* data, size_t n) {
    if (archive_write_data(zip, data, n) == static_cast<la_ssize_t>(n)) return Status::OK();
    client_gone = true;
    return Status::IOError("client went away");
  });
  if (!client_gone && (!digest.ok() || *digest != sha256)) {
    RecordDamage(archive, archive->env(), sha256, digest.ok() ? "corrupt" : "unreadable",
                 digest.ok() ? "content has SHA-256 " + *digest : digest.status().ToString(), "transfer");
  }
  return digest.ok() && *digest == sha256;
}

// "2026-11-24T09:41:07.123Z" -> seconds since the epoch (0 if unreadable).
time_t ParseRfc3339(const std::string& text) {
  std::tm tm{};
  if (::strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return 0;
  return ::timegm(&tm);
}

}  // namespace

namespace {

// A blob known damaged or missing here is repaired from a good copy, when
// there is one; what cannot be repaired is refused by the caller. Without
// another copy this costs the download nothing.
void RepairBeforeSending(const BlobSource& source, Exchange& ex, const std::string& blob) {
  if (!source.copies || !source.copies->policy().has_remote()) return;
  storage::Archive* archive = source.archive;
  if (!archive->damage()->Find(blob) && archive->store()->Size(blob).status().IsNotFound()) {
    RecordDamage(archive, ex.env, blob, "missing", "the blob is not in the store", "transfer");
  }
  if (archive->damage()->Find(blob)) (void)source.copies->RepairLocal(blob);
}

}  // namespace

void SendDip(const BlobSource& source, Exchange& ex, const storage::PackageSummary& package, uint32_t version) {
  storage::Archive* archive = source.archive;
  auto vs = archive->catalog()->GetVersion(package.id, version);
  if (!vs.ok() || !*vs) return SendStatus(ex, vs.ok() ? Status::NotFound("version") : vs.status());
  const time_t archived_at = ParseRfc3339((*vs)->created);  // every entry dated when the version was archived
  std::vector<storage::FileRecord> files;
  Status s = archive->catalog()->ForEachFile(package.id, version, [&](const storage::FileRecord& f) {
    files.push_back(f);
    return Status::OK();
  });
  if (!s.ok()) return SendStatus(ex, s);
  // Known damaged or missing here: repaired from a good copy first, as a
  // single file is (the package is sent whole or not at all).
  RepairBeforeSending(source, ex, (*vs)->record);
  for (const storage::FileRecord& f : files) RepairBeforeSending(source, ex, f.sha256);
  auto record_size = archive->store()->Size((*vs)->record);
  if (!record_size.ok()) {
    if (!record_size.status().IsNotFound()) return SendStatus(ex, Status::Internal(record_size.status().ToString()));
    return RefuseDamaged(archive, ex, (*vs)->record, "missing", "the blob is not in the store");
  }
  if (auto damaged = archive->damage()->Find((*vs)->record)) return SendDamaged(ex, *damaged);
  for (const storage::FileRecord& f : files) {
    if (auto damaged = archive->damage()->Find(f.sha256)) return SendDamaged(ex, *damaged);
  }

  auto& res = ex.response;
  res.setContentType("application/zip");
  std::string safe_id;
  for (char c : package.id) safe_id.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' ? c : '_');
  res.set("Content-Disposition", "attachment; filename=\"" + safe_id + "-v" + std::to_string(version) + ".zip\"");
  res.setChunkedTransferEncoding(true);
  std::ostream& out = res.send();
  if (ex.request.getMethod() == "HEAD") return;
  ZipSink sink{&out};
  struct archive* zip = archive_write_new();
  archive_write_set_format_zip(zip);
  archive_write_set_options(zip, "zip:compression=store");
  archive_write_set_bytes_in_last_block(zip, 1);
  bool ok = archive_write_open(zip, &sink, nullptr, ZipWrite, nullptr) == ARCHIVE_OK;
  const std::string root = safe_id + "/";
  for (size_t i = 0; ok && i < files.size(); ++i) {
    ok = AddZipEntry(archive, zip, root + files[i].path, files[i].sha256, files[i].size, archived_at);
  }
  if (ok) ok = AddZipEntry(archive, zip, root + "bevara-version.json", (*vs)->record, *record_size, archived_at);
  if (ok) ok = archive_write_close(zip) == ARCHIVE_OK;
  archive_write_free(zip);
  if (!ok) {
    // Never end a damaged or cut-off zip the way a whole one ends: close the
    // connection without the final chunk.
    ex.env->Log(LogLevel::kWarning, "DIP of " + package.id + " v" + std::to_string(version) + " was cut off");
    res.setKeepAlive(false);
    static_cast<Poco::Net::HTTPServerRequestImpl&>(ex.request).socket().shutdown();
    return;
  }
  out.flush();
}

}  // namespace bevara::server
