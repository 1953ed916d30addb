#include "tests/test_util.h"

#include <archive.h>
#include <archive_entry.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <vector>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "tools/sipgen/sip_writer.h"

namespace bevara::testing {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/bevara-test-XXXXXX";
  char* p = ::mkdtemp(tmpl.data());
  if (p == nullptr) ADD_FAILURE() << "mkdtemp failed";
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::shared_ptr<const ingest::SchemaSet> Schemas() {
  auto s = ingest::SchemaSet::Shared();
  if (!s.ok()) {
    ADD_FAILURE() << s.status().ToString();
    return nullptr;
  }
  return *s;
}

ingest::ValidationReport ValidateOrDie(const std::string& path, const ingest::ValidatorOptions& options) {
  ingest::PackageValidator v(Env::Default(), Schemas(), options);
  auto r = v.Validate(path);
  if (!r.ok()) {
    ADD_FAILURE() << "validation could not run: " << r.status().ToString();
    return ingest::ValidationReport();
  }
  return std::move(*r);
}

std::string WritePackage(const sipgen::SipPlan& plan, const std::string& format, const TempDir& dir,
                         const std::string& name) {
  std::string path = dir.Join(name + "." + format);
  Status s = sipgen::WritePlan(plan, format, path);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return path;
}

std::string Describe(const ingest::ValidationReport& report) {
  std::ostringstream out;
  for (const ingest::Finding& f : report.findings()) {
    if (f.severity == ingest::Severity::kInfo) continue;
    out << "  " << f.rule << ": " << f.message << " [" << f.path << ":" << f.line << "]\n";
  }
  return out.str();
}

ingest::ByteSource StringSource(const std::string& data, size_t* read) {
  *read = 0;
  return [&data, read](char* buf, size_t n) -> Result<size_t> {
    size_t k = std::min(n, data.size() - *read);
    std::memcpy(buf, data.data() + *read, k);
    *read += k;
    return k;
  };
}

std::string MinimalPdf(const std::string& text, const std::string& author) {
  const std::string stream = "BT /F1 12 Tf 72 720 Td (" + text + ") Tj ET";
  std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
      "/Resources << /Font << /F1 5 0 R >> >> >>",
      "<< /Length " + std::to_string(stream.size()) + " >>\nstream\n" + stream + "\nendstream",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"};
  if (!author.empty()) objects.push_back("<< /Author (" + author + ") /Title (Beslut) >>");
  std::string pdf = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t off : offsets) {
    char line[32];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", off);
    pdf += line;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R" +
         (author.empty() ? "" : " /Info 6 0 R") + " >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

std::string Utf16(const std::u16string& text, bool little_endian, bool bom) {
  std::string out = bom ? (little_endian ? std::string("\xFF\xFE") : std::string("\xFE\xFF")) : std::string();
  for (char16_t c : text) {
    const char lo = static_cast<char>(c & 0xFF), hi = static_cast<char>(c >> 8);
    out += little_endian ? std::string{lo, hi} : std::string{hi, lo};
  }
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
}

LoopbackTrap::LoopbackTrap() {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 16) != 0 ||
      ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ADD_FAILURE() << "cannot listen on loopback";
    return;
  }
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] {
    while (!stop_.load()) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) > 0) {
        int c = ::accept(fd_, nullptr, nullptr);
        if (c >= 0) {
          connections_.fetch_add(1);
          ::close(c);
        }
      }
    }
  });
}

LoopbackTrap::~LoopbackTrap() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) ::close(fd_);
}

std::string LoopbackTrap::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::string ZipBytes(const std::vector<std::pair<std::string, std::string>>& entries, const char* passphrase) {
  size_t room = 4096;
  for (const auto& [name, data] : entries) room += name.size() + data.size() * 2 + 256;
  std::string out(room, '\0');
  size_t used = 0;
  archive* a = archive_write_new();
  archive_write_set_format_zip(a);
  if (passphrase) {
    archive_write_set_options(a, "zip:encryption=zipcrypt");
    archive_write_set_passphrase(a, passphrase);
  }
  archive_write_open_memory(a, out.data(), out.size(), &used);
  for (const auto& [name, data] : entries) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
    archive_write_header(a, e);
    archive_write_data(a, data.data(), data.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  out.resize(used);
  return out;
}

}  // namespace bevara::testing
