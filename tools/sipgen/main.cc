// bevara-sipgen: writes a valid FGS Paketstruktur 2.0 (E-ARK CSIP + SIP) submission package.
#include <clocale>
#include <cstdlib>
#include <iostream>
#include <string>

#include "tools/sipgen/sip_generator.h"
#include "tools/sipgen/sip_writer.h"

namespace {

constexpr const char* kUsage =
    "usage: bevara-sipgen --out PATH [options]\n"
    "  --format tar|tar.gz|zip|dir   (default tar)\n"
    "  --seed N                      deterministic output per seed (default 1)\n"
    "  --files N                     content files per representation (default 10)\n"
    "  --size BYTES | --min-size BYTES --max-size BYTES   file sizes (default 1 KiB..16 KiB)\n"
    "  --nesting N                   directory levels under data/ (default 2)\n"
    "  --representations N           (default 1)\n"
    "  --checksum SHA-256|SHA-512|SHA-1|MD5   (default SHA-256)\n"
    "  --producer ORG-ID             the submitting organisation (default 212000-0001)\n"
    "  --mets-last                   write METS.xml after the files\n"
    "  --secrecy-ends YYYY-MM-DD     last day of secrecy of the secret records (default: none)\n"
    "  --no-wrap                     no package folder around the content\n";

uint64_t Number(const char* s) { return std::strtoull(s, nullptr, 10); }

}  // namespace

int main(int argc, char** argv) {
  std::setlocale(LC_CTYPE, "C.UTF-8");
  bevara::sipgen::SipSpec spec;
  std::string format = "tar", out;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    bool has_value = i + 1 < argc;
    if (a == "--out" && has_value) out = argv[++i];
    else if (a == "--format" && has_value) format = argv[++i];
    else if (a == "--seed" && has_value) spec.seed = Number(argv[++i]);
    else if (a == "--files" && has_value) spec.files = static_cast<int>(Number(argv[++i]));
    else if (a == "--size" && has_value) spec.min_file_size = spec.max_file_size = Number(argv[++i]);
    else if (a == "--min-size" && has_value) spec.min_file_size = Number(argv[++i]);
    else if (a == "--max-size" && has_value) spec.max_file_size = Number(argv[++i]);
    else if (a == "--nesting" && has_value) spec.nesting = static_cast<int>(Number(argv[++i]));
    else if (a == "--representations" && has_value) spec.representations = static_cast<int>(Number(argv[++i]));
    else if (a == "--checksum" && has_value) {
      auto alg = bevara::ParseMetsChecksumType(argv[++i]);
      if (!alg) {
        std::cerr << kUsage;
        return 2;
      }
      spec.checksum = *alg;
    } else if (a == "--producer" && has_value) {
      spec.producer = argv[++i];
    } else if (a == "--secrecy-ends" && has_value) {
      spec.secrecy_ends = argv[++i];
    } else if (a == "--mets-last") {
      spec.mets_last = true;
    } else if (a == "--no-wrap") {
      spec.wrap_in_folder = false;
    } else {
      std::cerr << kUsage;
      return 2;
    }
  }
  if (out.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  bevara::sipgen::SipPlan plan = bevara::sipgen::PlanSip(spec);
  bevara::Status s = bevara::sipgen::WritePlan(plan, format, out);
  if (!s.ok()) {
    std::cerr << "bevara-sipgen: " << s.ToString() << "\n";
    return 1;
  }
  std::cout << out << ": " << plan.objid << ", " << plan.entries.size() << " entries\n";
  return 0;
}
