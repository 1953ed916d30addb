// Helpers shared by the test suites: temporary directories, validation of
// generated packages, and a loopback listener that fails a test if anything
// ever connects to it (for "never touch the network" tests).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "ingest/validate/package_validator.h"
#include "ingest/xml/secure_sax.h"
#include "tools/sipgen/sip_generator.h"

namespace bevara::testing {

// A fresh directory under $TMPDIR, removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string Join(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::shared_ptr<const ingest::SchemaSet> Schemas();

// Validates with the given options; fails the test if validation cannot run.
ingest::ValidationReport ValidateOrDie(const std::string& path, const ingest::ValidatorOptions& options = {});

// Writes `plan` as `format` under `dir` and returns the path.
std::string WritePackage(const sipgen::SipPlan& plan, const std::string& format, const TempDir& dir,
                         const std::string& name = "package");

// "rule: message" lines of a report's errors, for failure messages.
std::string Describe(const ingest::ValidationReport& report);

// A ByteSource over a string; *read counts the bytes handed out.
ingest::ByteSource StringSource(const std::string& data, size_t* read);

std::string ReadFile(const std::string& path);
// A ZIP file of these (name, bytes) entries, made by libarchive; with a
// passphrase, its entries are encrypted (traditional PKWARE).
std::string ZipBytes(const std::vector<std::pair<std::string, std::string>>& entries, const char* passphrase = nullptr);

// A one-page PDF that shows `text` (Latin letters), with a correct xref
// table; with an `author`, also an Info dictionary naming it (and a title).
std::string MinimalPdf(const std::string& text, const std::string& author = "");

// `text` as UTF-16 bytes, little- or big-endian, with a byte-order mark or
// without (text files of other systems, for the extractors).
std::string Utf16(const std::u16string& text, bool little_endian, bool bom);
void WriteFile(const std::string& path, const std::string& data);

// Listens on 127.0.0.1 on an ephemeral port and counts connections.
class LoopbackTrap {
 public:
  LoopbackTrap();
  ~LoopbackTrap();
  int port() const { return port_; }
  std::string url(const std::string& path = "/x") const;
  int connections() const { return connections_.load(); }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::atomic<int> connections_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace bevara::testing
