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

#include "src/common/digest.h"
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

// Writes [offset, offset+length) of `blob` to the client: straight from the
// file to the socket (sendfile) when the store lends a descriptor and the
// connection is plain, through a buffer otherwise (TLS, other stores).
bool SendBytes(Exchange& ex, ReadableFile* blob, uint64_t offset, uint64_t length) {
  auto& impl = static_cast<Poco::Net::HTTPServerRequestImpl&>(ex.request);
  const int fd = blob->NativeHandle();
  if (!ex.request.secure() && fd >= 0) {
    int sock = impl.socket().impl()->sockfd();
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
    if (!n.ok() || *n == 0) return false;
    for (size_t sent = 0; sent < *n;) {
      int k = impl.socket().sendBytes(buf.data() + sent, static_cast<int>(*n - sent));
      if (k <= 0) return false;
      sent += static_cast<size_t>(k);
    }
    length -= *n;
  }
  return true;
}

}  // namespace

std::string BlobContentType(const storage::FileRecord& f) {
  if (!f.mime_detected.empty()) return f.mime_detected;
  if (!f.mime_declared.empty()) return f.mime_declared;
  return "application/octet-stream";
}

void SendBlob(storage::Archive* archive, Exchange& ex, const std::string& sha256, uint64_t size,
              const std::string& content_type, const std::string& path) {
  auto& res = ex.response;
  const std::string etag = "\"" + sha256 + "\"";
  res.set("ETag", etag);
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
  auto blob = archive->store()->Open(sha256);
  if (!blob.ok()) return SendStatus(ex, blob.status());
  const uint64_t length = size == 0 ? 0 : range.last - range.first + 1;
  res.setContentType(content_type);
  if (kind == RangeKind::kOne) {
    res.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_PARTIAL_CONTENT);
    res.set("Content-Range", "bytes " + std::to_string(range.first) + "-" + std::to_string(range.last) + "/" +
                                 std::to_string(size));
  }
  res.setContentLength64(length);
  res.send().flush();  // headers out; the body goes straight from the file
  if (ex.request.getMethod() != "HEAD" && length > 0 && !SendBytes(ex, blob->get(), range.first, length)) {
    res.setKeepAlive(false);
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
  if (!blob.ok()) return false;
  auto digest = storage::ReadHashing(blob->get(), [&](const char* data, size_t n) {
    return archive_write_data(zip, data, n) == static_cast<la_ssize_t>(n) ? Status::OK()
                                                                         : Status::IOError("client went away");
  });
  return digest.ok() && *digest == sha256;
}

// "2026-11-24T09:41:07.123Z" -> seconds since the epoch (0 if unreadable).
time_t ParseRfc3339(const std::string& text) {
  std::tm tm{};
  if (::strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return 0;
  return ::timegm(&tm);
}

}  // namespace

void SendDip(storage::Archive* archive, Exchange& ex, const storage::PackageSummary& package, uint32_t version) {
  auto vs = archive->catalog()->GetVersion(package.id, version);
  if (!vs.ok() || !*vs) return SendStatus(ex, vs.ok() ? Status::NotFound("version") : vs.status());
  const time_t archived_at = ParseRfc3339((*vs)->created);  // every entry dated when the version was archived
  std::vector<storage::FileRecord> files;
  Status s = archive->catalog()->ForEachFile(package.id, version, [&](const storage::FileRecord& f) {
    files.push_back(f);
    return Status::OK();
  });
  if (!s.ok()) return SendStatus(ex, s);
  auto record_size = archive->store()->Size((*vs)->record);
  if (!record_size.ok()) return SendStatus(ex, record_size.status());

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
