// bevara sip create: a folder of files and a case description into a SIP.
#include <cstdlib>
#include <ctime>
#include <iostream>

#include "ingest/sip/case_description.h"
#include "ingest/sip/sip_builder.h"
#include "src/cli/args.h"
#include "src/cli/commands.h"
#include "src/common/env.h"
#include "src/common/file_util.h"
#include "src/search/personnummer.h"

namespace bevara::cli {
namespace {

// Each personnummer must be one (a right check digit): a typo here would
// leave a person's number in the archive unrecognised, and unprotected.
Status CheckPersonnummer(const ingest::CaseDescription& d) {
  auto check = [](const std::vector<ingest::Party>& parties, const std::string& where) -> Status {
    for (size_t i = 0; i < parties.size(); ++i) {
      const std::string& p = parties[i].personnummer;
      if (!p.empty() && !search::IsPersonnummer(p)) {
        std::string path = where + "[" + std::to_string(i) + "].personnummer";
        return Status::Rejected("SIP-DESCRIPTION", path + " is not a valid personnummer or samordningsnummer", path);
      }
    }
    return Status::OK();
  };
  BEVARA_RETURN_IF_ERROR(check(d.agents, "case.agents"));
  for (size_t r = 0; r < d.records.size(); ++r) {
    BEVARA_RETURN_IF_ERROR(check(d.records[r].parties, "case.records[" + std::to_string(r) + "].parties"));
  }
  return Status::OK();
}

int Create(const std::string& description_path, const std::string& files, const std::string& out,
           std::string format) {
  if (format.empty()) {
    format = out.size() > 4 && out.compare(out.size() - 4, 4, ".zip") == 0 ? "zip" : "tar";
  }
  Result<std::string> text = ReadFileToString(Env::Default(), description_path, 64u << 20);
  if (!text.ok()) return Fail("sip create", "cannot read the description " + description_path + ": " + text.status().ToString());
  Result<ingest::CaseDescription> d = ingest::ParseCaseDescription(*text);
  if (!d.ok()) return Fail("sip create", d.status().message());
  if (Status s = CheckPersonnummer(*d); !s.ok()) return Fail("sip create", s.message());
  Result<FileInfo> dir = Env::Default()->Stat(files);
  if (!dir.ok() || dir->type != FileType::kDirectory) return Fail("sip create", files + " is not a folder");
  // libarchive writes a zip entry's DOS date in local time: the same input
  // must give the same bytes in Stockholm and in a container on UTC.
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  Result<ingest::SipBuildResult> built = ingest::BuildSip(
      Env::Default(), *d, files, out, format == "zip" ? ingest::SipFormat::kZip : ingest::SipFormat::kTar);
  if (!built.ok()) {
    const Status& s = built.status();
    return Fail("sip create", s.IsRejected() ? s.message() : s.ToString());
  }
  std::cout << out << ": package " << built->package_id << ", " << built->files << " files, " << built->bytes
            << " bytes\n";
  return 0;
}

}  // namespace

int SipCommand(const std::vector<std::string>& argv) {
  CLI::App app("Submission packages for e-services and archivists.", "bevara sip");
  app.require_subcommand(1);
  CLI::App* create = app.add_subcommand(
      "create",
      "make an FGS Paketstruktur 2.0 SIP (E-ARK CSIP + SIP, ERMS case metadata) from a folder of files\n"
      "and a case description (JSON; see README, \"Making a SIP\"). Deterministic; never replaces --out.");
  std::string description, files, out, format;
  create->add_option("--case", description, "the case description")->required()->type_name("FILE.json");
  create->add_option("--files", files, "the folder the description's file paths are relative to")
      ->required()
      ->type_name("DIR");
  create->add_option("--out", out, "the package to write")->required()->type_name("FILE.tar|FILE.zip");
  create->add_option("--format", format, "tar or zip (default: from --out's extension, else tar)")
      ->check(CLI::IsMember({"tar", "zip"}));
  if (int rc = ParseCommandLine(app, argv); rc >= 0) return rc;
  return Create(description, files, out, format);
}

}  // namespace bevara::cli
