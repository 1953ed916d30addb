// Answers that stream stored bytes: one blob (with Range, conditional
// requests and safe Content-Disposition) and a DIP as a zip.
#pragma once

#include <cstdint>
#include <string>

#include "src/server/exchange.h"
#include "src/server/pinned_blobs.h"
#include "src/services/copy_service.h"
#include "storage/archive/archive.h"
#include "storage/catalog/catalog.h"

namespace bevara::server {

// The Content-Type to serve a file as: libmagic's detection, else the
// declared type, else application/octet-stream.
std::string BlobContentType(const storage::FileRecord& f);

// Where served bytes come from: the archive, and the blobs the server holds
// verified in memory (may be null: every transfer is then hashed as sent).
struct BlobSource {
  storage::Archive* archive = nullptr;
  PinnedBlobs* pins = nullptr;
  // Other copies: a blob damaged or missing here is repaired from a good
  // one before anything is sent (may be null).
  services::CopyService* copies = nullptr;
};

// Streams blob `sha256` (of `size` bytes). ETag is the SHA-256 and
// Repr-Digest (RFC 9530) its base64, so a client can check what it got;
// Range (one range), If-None-Match and HEAD are honoured. HTML, XML and SVG
// (anything a browser might run) are sent as attachments, and nothing is
// served for sniffing or scripting.
//
// Damaged bytes are never sent as good: a blob the damage register names is
// repaired from a good copy first when there are copies, and refused
// otherwise (500 file_damaged, with what to do); a missing or resized one is
// recorded damaged and refused; one that fits the pin budget is verified
// before its headers go out; a larger one is hashed as it is sent, its last
// bytes held back until the digest is known, and when it does not match
// the connection is cut short of Content-Length (every client reports a
// failed transfer) and the register records it.
// Plain connections use sendfile(2) for pinned blobs; TLS copies.
void SendBlob(const BlobSource& source, Exchange& ex, const std::string& sha256, uint64_t size,
              const std::string& content_type, const std::string& path);

// Records a damaged blob in the archive's register (logging when it cannot).
void RecordDamage(storage::Archive* archive, Env* env, const std::string& sha256, const std::string& kind,
                  const std::string& detail, const std::string& found_by);

// Records a blob found damaged by a transfer, and refuses it (SendDamaged).
void RefuseDamaged(storage::Archive* archive, Exchange& ex, const std::string& sha256, const std::string& kind,
                   const std::string& detail);

// 500 file_damaged, saying what was found and what repairs it.
void SendDamaged(Exchange& ex, const storage::DamageNote& note);

// Streams a zip (stored, not compressed: archives hold mostly compressed
// formats) of one version: every file under "<id>/<logical path>", and
// "<id>/bevara-version.json", its version record. Every byte is re-hashed
// on the way; a blob that no longer matches its digest cuts the connection
// so that the client cannot take a damaged DIP for a whole one (and the
// damage register records it); a version with a blob known damaged is
// refused before anything is sent, unless it is repaired from a good copy
// first (as SendBlob does).
void SendDip(const BlobSource& source, Exchange& ex, const storage::PackageSummary& package, uint32_t version);

}  // namespace bevara::server
