#include <iostream>

#include "ingest/validate/package_validator.h"
#include "ingest/validate/requirements.h"
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
  bool rules = false;
  app.add_option("--format", format, "what to print: text (default), json, or markdown (with --rules)")
      ->check(CLI::IsMember({"text", "json", "markdown"}));
  app.add_option("--report", report_file, "also write the JSON report to FILE")->type_name("FILE");
  app.add_flag("--rules", rules,
               "print every E-ARK CSIP/SIP and FGS requirement with the rule that checks it, and exit");
  app.add_option("PACKAGE", package, "a tar, tar.gz or zip file, or an unpacked directory");
  if (int rc = ParseCommandLine(app, argv); rc >= 0) return rc;
  if (rules) {
    if (!package.empty() || !report_file.empty()) return Fail("validate", "--rules takes no PACKAGE or --report");
    std::cout << (format == "json" ? ingest::RequirementsJson() : ingest::RequirementsMarkdown());
    return 0;
  }
  if (package.empty()) return Fail("validate", "PACKAGE is required");
  if (format == "markdown") return Fail("validate", "--format markdown goes with --rules");
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
