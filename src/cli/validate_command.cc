#include <iostream>

#include "ingest/validate/package_validator.h"
#include "src/cli/args.h"
#include "src/cli/commands.h"
#include "src/common/env.h"
#include "src/common/file_util.h"

namespace bevara::cli {

int ValidateCommand(const std::vector<std::string>& argv) {
  CLI::App app("Validates a submission package (E-ARK CSIP/SIP, FGS). Exit status: 0 valid, 1 invalid,\n"
               "2 could not validate.",
               "bevara validate");
  std::string format = "text", report_file, package;
  app.add_option("--format", format, "what to print: text (default) or json")->check(CLI::IsMember({"text", "json"}));
  app.add_option("--report", report_file, "also write the JSON report to FILE")->type_name("FILE");
  app.add_option("PACKAGE", package, "a tar, tar.gz or zip file, or an unpacked directory")->required();
  if (int rc = ParseCommandLine(app, argv); rc >= 0) return rc;
  auto schemas = ingest::SchemaSet::Shared();
  if (!schemas.ok()) {
    std::cerr << "bevara validate: " << schemas.status().ToString() << "\n";
    return 2;
  }
  ingest::PackageValidator validator(Env::Default(), *schemas);
  Result<ingest::ValidationReport> report = validator.Validate(package);
  if (!report.ok()) {
    std::cerr << "bevara validate: cannot validate " << package << ": " << report.status().ToString() << "\n";
    return 2;
  }
  std::string json = report->ToJson();
  std::cout << (format == "json" ? json : report->ToText());
  if (!report_file.empty()) {
    if (Status s = WriteFileDurably(Env::Default(), report_file, json); !s.ok()) {
      std::cerr << "bevara validate: cannot write " << report_file << ": " << s.ToString() << "\n";
      return 2;
    }
  }
  return report->valid() ? 0 : 1;
}

}  // namespace bevara::cli
