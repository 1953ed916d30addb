// bevara-bench-publication: the cost of the check every public answer
// makes (services/publication_check.h), per hit, against its baseline in
// the same run: the catalog read it cannot do without.
//
//   bevara-bench-publication DIR [PACKAGES] [CHECKS]
//
// Ingests PACKAGES small generated packages into DIR (once; kept between
// runs), records a publication decision for one record of each, then times
// CHECKS checks (proof decoded, head read, decision looked up) cycling
// over the packages, and as many bare catalog reads of the head.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ingest/pipeline/ingester.h"
#include "src/services/publication_check.h"
#include "tools/sipgen/sip_generator.h"

namespace {

using Clock = std::chrono::steady_clock;
using bevara::Env;

double NsPer(Clock::time_point start, size_t n) {
  return std::chrono::duration<double, std::nano>(Clock::now() - start).count() / static_cast<double>(n);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return std::fprintf(stderr, "usage: bevara-bench-publication DIR [PACKAGES] [CHECKS]\n"), 2;
  const std::string dir = argv[1];
  const size_t packages = argc > 2 ? std::stoul(argv[2]) : 2000;
  const size_t checks = argc > 3 ? std::stoul(argv[3]) : 1000000;
  Env* env = Env::Default();
  std::filesystem::create_directories(dir);
  bevara::storage::ArchiveOptions create;
  create.create_if_missing = true;
  auto archive = bevara::storage::Archive::Open(env, dir + "/data", create);
  auto schemas = bevara::ingest::SchemaSet::Shared();
  auto decisions = bevara::access::AccessDecisions::Open(env, dir + "/access");
  auto rules = bevara::access::PublicationRules::Open(env, dir + "/access");
  if (!archive.ok() || !schemas.ok() || !decisions.ok() || !rules.ok()) return std::fprintf(stderr, "cannot open %s\n", dir.c_str()), 2;
  std::vector<std::string> proofs;
  bevara::ingest::Ingester ingester(archive->get(), *schemas);
  for (size_t i = 0; i < packages; ++i) {
    bevara::sipgen::SipSpec spec;
    spec.seed = 100000 + i;
    spec.files = 1;
    spec.wrap_in_folder = true;
    bevara::sipgen::SipPlan plan = bevara::sipgen::PlanSip(spec);
    auto head = (*archive)->catalog()->GetPackage(plan.objid);
    if (!head.ok()) return 2;
    if (!*head) {
      // Written as a directory tree for the ingester.
      const std::string root = dir + "/pkg";
      std::filesystem::remove_all(root);
      for (const auto& e : plan.entries) {
        const std::string path = root + "/" + e.path;
        std::filesystem::create_directories(std::filesystem::path(path).parent_path());
        FILE* f = std::fopen(path.c_str(), "wb");
        bevara::sipgen::ContentStream in(e);
        char buf[65536];
        for (size_t n; (n = in.Read(buf, sizeof buf)) > 0;) std::fwrite(buf, 1, n, f);
        std::fclose(f);
      }
      auto out = ingester.Ingest(root + "/" + plan.objid);
      if (!out.ok() || !out->archived) return std::fprintf(stderr, "ingest failed\n"), 2;
    }
    const std::map<std::string, std::string> digests = {{"submission/x", std::string(64, 'a')}};
    (void)(*decisions)->Record({plan.objid, plan.objid + "-r1", "published", "bench", "tok", "t", 1, digests});
    proofs.push_back(bevara::search::EncodeProof({plan.objid, plan.objid + "-r1", 1, "decision", digests}));
  }
  bevara::services::PublicationCheck check(archive->get(), decisions->get(), rules->get());
  size_t yes = 0;
  auto start = Clock::now();
  for (size_t i = 0; i < checks; ++i) yes += check.StillPublished(std::string_view(proofs[i % proofs.size()]));
  const double per_check = NsPer(start, checks);
  std::vector<std::string> ids;
  for (const std::string& p : proofs) ids.push_back(bevara::search::DecodeProof(p)->package_id);
  size_t found = 0;
  start = Clock::now();
  for (size_t i = 0; i < checks; ++i) found += (*archive)->catalog()->GetPackage(ids[i % ids.size()]).value().has_value();
  const double per_read = NsPer(start, checks);
  std::printf("packages %zu, checks %zu (%zu passed)\n", proofs.size(), checks, yes);
  std::printf("publication check: %.1f us per hit\n", per_check / 1000);
  std::printf("catalog head read alone: %.1f us (%zu found)\n", per_read / 1000, found);
  std::printf("ratio: %.2fx the catalog read; goal < 200 us per hit\n", per_check / per_read);
  return 0;
}
