#include "tools/sipgen/sip_writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

namespace bevara::sipgen {
namespace {

constexpr size_t kChunk = 1 << 20;

Status WriteDirectory(const SipPlan& plan, const std::string& out) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) return Status::IOError("mkdir " + out + ": " + ec.message());
  std::vector<char> buf(kChunk);
  for (const PlannedEntry& e : plan.entries) {
    fs::path p = fs::path(out) / e.path;
    fs::create_directories(p.parent_path(), ec);
    switch (e.type) {
      case EntryType::kDirectory: fs::create_directories(p, ec); break;
      case EntryType::kSymlink: fs::create_symlink(e.link_target, p, ec); break;
      case EntryType::kHardlink: fs::create_hard_link(fs::path(out) / e.link_target, p, ec); break;
      case EntryType::kFifo:
        if (::mkfifo(p.c_str(), 0644) != 0) return Status::FromErrno(errno, "mkfifo " + p.string());
        break;
      case EntryType::kCharDevice:
        return Status::NotSupported("device files cannot be written to a directory without privileges");
      case EntryType::kFile: {
        std::ofstream f(p, std::ios::binary | std::ios::trunc);
        ContentStream s(e);
        while (size_t n = s.Read(buf.data(), buf.size())) f.write(buf.data(), static_cast<std::streamsize>(n));
        if (!f) return Status::IOError("write " + p.string());
        break;
      }
    }
    if (ec) return Status::IOError(p.string() + ": " + ec.message());
  }
  return Status::OK();
}

Status WriteArchive(const SipPlan& plan, const std::string& format, const std::string& out) {
  std::unique_ptr<struct archive, int (*)(struct archive*)> a(archive_write_new(), archive_write_free);
  if (format == "zip") {
    archive_write_set_format_zip(a.get());
  } else {
    archive_write_set_format_pax_restricted(a.get());
    if (format == "tar.gz") archive_write_add_filter_gzip(a.get());
  }
  if (archive_write_open_filename(a.get(), out.c_str()) != ARCHIVE_OK) {
    return Status::IOError("open " + out + ": " + archive_error_string(a.get()));
  }
  std::vector<char> buf(kChunk);
  for (const PlannedEntry& e : plan.entries) {
    std::unique_ptr<struct archive_entry, void (*)(struct archive_entry*)> entry(archive_entry_new(),
                                                                               archive_entry_free);
    archive_entry_copy_pathname(entry.get(), e.path.c_str());
    archive_entry_set_mtime(entry.get(), 1700000000, 0);
    archive_entry_set_perm(entry.get(), 0644);
    switch (e.type) {
      case EntryType::kFile:
        archive_entry_set_filetype(entry.get(), AE_IFREG);
        archive_entry_set_size(entry.get(), static_cast<la_int64_t>(ContentSize(e)));
        break;
      case EntryType::kDirectory:
        archive_entry_set_filetype(entry.get(), AE_IFDIR);
        archive_entry_set_perm(entry.get(), 0755);
        break;
      case EntryType::kSymlink:
        archive_entry_set_filetype(entry.get(), AE_IFLNK);
        archive_entry_copy_symlink(entry.get(), e.link_target.c_str());
        break;
      case EntryType::kHardlink:
        archive_entry_set_filetype(entry.get(), AE_IFREG);
        archive_entry_copy_hardlink(entry.get(), e.link_target.c_str());
        break;
      case EntryType::kFifo: archive_entry_set_filetype(entry.get(), AE_IFIFO); break;
      case EntryType::kCharDevice:
        archive_entry_set_filetype(entry.get(), AE_IFCHR);
        archive_entry_set_rdev(entry.get(), makedev(1, 3));
        break;
    }
    if (archive_write_header(a.get(), entry.get()) < ARCHIVE_WARN) {
      return Status::IOError("write header " + e.path + ": " + archive_error_string(a.get()));
    }
    if (e.type == EntryType::kFile) {
      ContentStream s(e);
      while (size_t n = s.Read(buf.data(), buf.size())) {
        if (archive_write_data(a.get(), buf.data(), n) < 0) {
          return Status::IOError("write " + e.path + ": " + archive_error_string(a.get()));
        }
      }
    }
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) return Status::IOError("close " + out);
  return Status::OK();
}

}  // namespace

Status WritePlan(const SipPlan& plan, const std::string& format, const std::string& out_path) {
  if (format == "dir") return WriteDirectory(plan, out_path);
  if (format == "tar" || format == "tar.gz" || format == "zip") return WriteArchive(plan, format, out_path);
  return Status::InvalidArgument("unknown format '" + format + "' (tar, tar.gz, zip or dir)");
}

}  // namespace bevara::sipgen
