// Answers that stream stored bytes: one blob (with Range, conditional
// requests and safe Content-Disposition) and a DIP as a zip.
#pragma once

#include <cstdint>
#include <string>

#include "src/server/exchange.h"
#include "storage/archive/archive.h"
#include "storage/catalog/catalog.h"

namespace bevara::server {

// The Content-Type to serve a file as: libmagic's detection, else the
// declared type, else application/octet-stream.
std::string BlobContentType(const storage::FileRecord& f);

// Streams blob `sha256` (of `size` bytes). ETag is the SHA-256, so a client
// can check what it got; Range (one range), If-None-Match and HEAD are
// honoured. HTML, XML and SVG (anything a browser might run) are sent as
// attachments, and nothing is served for sniffing or scripting.
// Plain connections use sendfile(2); TLS ones copy through the session.
void SendBlob(storage::Archive* archive, Exchange& ex, const std::string& sha256, uint64_t size,
              const std::string& content_type, const std::string& path);

// Streams a zip (stored, not compressed: archives hold mostly compressed
// formats) of one version: every file under "<id>/<logical path>", and
// "<id>/bevara-version.json", its version record. Every byte is re-hashed
// on the way; a blob that no longer matches its digest cuts the connection
// so that the client cannot take a damaged DIP for a whole one.
void SendDip(storage::Archive* archive, Exchange& ex, const storage::PackageSummary& package, uint32_t version);

}  // namespace bevara::server
