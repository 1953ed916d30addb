#include <iostream>

#include "ingest/validate/package_validator.h"
#include "src/cli/commands.h"
#include "src/common/env.h"
#include "src/common/file_util.h"

namespace bevara::cli {

namespace {

constexpr const char* kUsage =
    "usage: bevara validate [--format text|json] [--report FILE] PACKAGE\n"
    "  PACKAGE  a tar, tar.gz or zip file, or an unpacked directory\n"
    "  --format text|json  what to print (default: text)\n"
    "  --report FILE       also write the JSON report to FILE\n"
    "exit status: 0 valid, 1 invalid, 2 could not validate\n";

}  // namespace

int ValidateCommand(const std::vector<std::string>& args) {
  std::string format = "text", report_file, package;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if ((a == "--format" || a == "--report") && i + 1 < args.size()) {
      (a == "--format" ? format : report_file) = args[++i];
    } else if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    } else if (!a.empty() && a[0] == '-') {
      std::cerr << "bevara validate: unknown option " << a << "\n" << kUsage;
      return 2;
    } else if (package.empty()) {
      package = a;
    } else {
      std::cerr << kUsage;
      return 2;
    }
  }
  if (package.empty() || (format != "text" && format != "json")) {
    std::cerr << kUsage;
    return 2;
  }
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
