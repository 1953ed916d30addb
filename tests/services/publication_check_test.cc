// The check at the moment of answering: a proof the index holds counts only
// while the package's head is its version and the decision or rule stands.
#include "src/services/publication_check.h"

#include <gtest/gtest.h>

#include "ingest/pipeline/ingester.h"
#include "tests/support/archive_fixture.h"
#include "tests/test_util.h"

namespace bevara::services {
namespace {

using testing::TempDir;

struct World {
  TempDir dir;
  std::unique_ptr<storage::Archive> archive = testing::OpenArchiveOrDie(dir.Join("data"));
  std::unique_ptr<access::AccessDecisions> decisions = access::AccessDecisions::Open(Env::Default(), dir.Join("access")).value();
  std::unique_ptr<access::PublicationRules> rules = access::PublicationRules::Open(Env::Default(), dir.Join("access")).value();
  PublicationCheck check{archive.get(), decisions.get(), rules.get()};
  std::string package_id;

  void Ingest(uint64_t seed) {
    ingest::Ingester ingester(archive.get(), testing::Schemas());
    auto out = ingester.Ingest(testing::GeneratePackage(dir, seed, 2));
    ASSERT_TRUE(out.ok() && out->archived) << out.status().ToString();
    package_id = out->record.package_id;
  }
};

const std::map<std::string, std::string> kDigests = {{"submission/a.txt", std::string(64, 'a')}};

TEST(PublicationCheck, ADecisionHoldsForItsVersionAndFilesOnly) {
  World w;
  w.Ingest(1);
  PublicationProof proof{w.package_id, "r1", 1, "decision", kDigests};
  EXPECT_FALSE(w.check.StillPublished(proof)) << "no decision yet";
  ASSERT_TRUE(w.decisions->Record({w.package_id, "r1", "published", "prövad", "tok", "t", 1, kDigests}).ok());
  EXPECT_TRUE(w.check.StillPublished(proof));
  PublicationProof other_bytes = proof;
  other_bytes.digests.begin()->second = std::string(64, 'b');
  EXPECT_FALSE(w.check.StillPublished(other_bytes));
  ASSERT_TRUE(w.decisions->Record({w.package_id, "r1", "secret", "OSL", "tok", "t", 1, kDigests}).ok());
  EXPECT_FALSE(w.check.StillPublished(proof)) << "withdrawn at once";
}

TEST(PublicationCheck, ANewVersionNotYetIndexedHidesThePackage) {
  World w;
  w.Ingest(1);
  ASSERT_TRUE(w.decisions->Record({w.package_id, "r1", "published", "prövad", "tok", "t", 1, kDigests}).ok());
  PublicationProof proof{w.package_id, "r1", 1, "decision", kDigests};
  ASSERT_TRUE(w.check.StillPublished(proof));
  // The same package id with other content: version 2 in the catalog, the
  // index still holding version 1.
  ingest::Ingester ingester(w.archive.get(), testing::Schemas());
  sipgen::SipSpec spec;
  spec.seed = 1;
  spec.files = 3;
  auto out = ingester.Ingest(WritePackage(sipgen::PlanSip(spec), "tar", w.dir, "v2"));
  ASSERT_TRUE(out.ok() && out->archived) << out.status().ToString();
  ASSERT_EQ(out->record.version, 2u);
  EXPECT_FALSE(w.check.StillPublished(proof));
}

TEST(PublicationCheck, ARuleHoldsWhileItIsActive) {
  World w;
  w.Ingest(1);
  access::PublicationRule rule;
  rule.creator = "K";
  rule.reason = "r";
  rule.by = "tok";
  auto added = w.rules->Add(rule, "t").value();
  PublicationProof proof{w.package_id, "r1", 1, added.id, kDigests};
  EXPECT_TRUE(w.check.StillPublished(proof));
  // An archivist's decision on the record ends what the rule did, at once.
  ASSERT_TRUE(w.decisions->Record({w.package_id, "r1", "secret", "OSL", "tok", "t", 1, kDigests}).ok());
  EXPECT_FALSE(w.check.StillPublished(proof));
  PublicationProof other{w.package_id, "r2", 1, added.id, kDigests};
  EXPECT_TRUE(w.check.StillPublished(other));
  ASSERT_TRUE(w.rules->Revoke(added.id, "tok", "t").ok());
  EXPECT_FALSE(w.check.StillPublished(other));
  EXPECT_FALSE(w.check.StillPublished(proof));
  EXPECT_FALSE(w.check.StillPublished(PublicationProof{"no-such-package", "r1", 1, "decision", kDigests}));
  EXPECT_FALSE(w.check.StillPublished(std::string_view("{\"not\":\"a proof\"}")));
  EXPECT_TRUE(w.check.StillPublished(std::string_view(search::EncodeProof({w.package_id, "r1", 1, "decision", kDigests}))) ==
              w.check.StillPublished(PublicationProof{w.package_id, "r1", 1, "decision", kDigests}));
}

}  // namespace
}  // namespace bevara::services
