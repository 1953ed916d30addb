// The state in force: what each hostile sequence of versions and decisions
// must come to.
#include "src/services/record_state.h"

#include <gtest/gtest.h>

namespace bevara::services {
namespace {

using ingest::AccessState;

VersionOfRecord V(uint32_t version, AccessState state, const std::string& public_from = "") {
  VersionOfRecord v;
  v.version = version;
  v.derived.state = state;
  v.derived.ground = ingest::AccessStateName(state);
  v.derived.public_from = public_from;
  return v;
}

access::AccessDecision D(const std::string& state, uint32_t version, std::map<std::string, std::string> files) {
  return {"p", "r1", state, "skäl", "tok", "2026-11-30T10:00:00Z", version, std::move(files)};
}

const std::map<std::string, std::string> kFiles = {{"submission/a.txt", std::string(64, 'a')}};
const std::map<std::string, std::string> kOtherFiles = {{"submission/a.txt", std::string(64, 'b')}};

TEST(RecordState, MetadataAloneNeverPublishes) {
  EXPECT_EQ(DecideState({V(1, AccessState::kPublic)}, kFiles, std::nullopt).state, RecordState::kPublic);
}

TEST(RecordState, ANewVersionDoesNotLiftSecrecy) {
  StateInForce s = DecideState({V(1, AccessState::kSecret), V(2, AccessState::kPublic)}, kFiles, std::nullopt);
  EXPECT_EQ(s.state, RecordState::kSecret);
  EXPECT_FALSE(s.review.empty()) << "an archivist is asked to look";
}

TEST(RecordState, SecrecyThatLapsedInAnEarlierVersionHoldsNothing) {
  // Derived on today's date: a lapsed secrecy is public in every version.
  EXPECT_EQ(DecideState({V(1, AccessState::kPublic), V(2, AccessState::kPublic)}, kFiles, std::nullopt).state,
            RecordState::kPublic);
}

TEST(RecordState, APublicationHoldsForItsFiles) {
  StateInForce s = DecideState({V(1, AccessState::kPublic)}, kFiles, D("published", 1, kFiles));
  EXPECT_EQ(s.state, RecordState::kPublished);
  EXPECT_TRUE(s.by_decision);
  // A later version with the same files and nothing stricter keeps it.
  EXPECT_EQ(DecideState({V(1, AccessState::kPublic), V(2, AccessState::kPublic)}, kFiles, D("published", 1, kFiles)).state,
            RecordState::kPublished);
}

TEST(RecordState, APublicationDoesNotOutliveItsContent) {
  StateInForce s = DecideState({V(1, AccessState::kPublic), V(2, AccessState::kSecret)}, kOtherFiles,
                               D("published", 1, kFiles));
  EXPECT_EQ(s.state, RecordState::kSecret);
  s = DecideState({V(1, AccessState::kPublic), V(2, AccessState::kPublic)}, kOtherFiles, D("published", 1, kFiles));
  EXPECT_EQ(s.state, RecordState::kRestricted) << "changed files wait for review";
  EXPECT_FALSE(s.review.empty());
}

TEST(RecordState, ALaterVersionsStricterMetadataCounts) {
  StateInForce s = DecideState({V(1, AccessState::kPublic), V(2, AccessState::kSecret)}, kFiles, D("published", 1, kFiles));
  EXPECT_EQ(s.state, RecordState::kSecret);
  EXPECT_FALSE(s.by_decision);
}

TEST(RecordState, AnArchivistMayReleaseWhatMetadataKeepsSecret) {
  EXPECT_EQ(DecideState({V(1, AccessState::kSecret)}, kFiles, D("public", 1, kFiles)).state, RecordState::kPublic);
}

TEST(RecordState, AStricterDecisionOutlivesContent) {
  EXPECT_EQ(DecideState({V(1, AccessState::kPublic), V(2, AccessState::kPublic)}, kOtherFiles, D("secret", 1, kFiles)).state,
            RecordState::kSecret);
}

TEST(RecordState, AnOlderBevarasDecisionIsKeptOnlyWhenStricter) {
  EXPECT_EQ(DecideState({V(1, AccessState::kSecret)}, kFiles, D("public", 0, {})).state, RecordState::kSecret);
  EXPECT_EQ(DecideState({V(1, AccessState::kPublic)}, kFiles, D("restricted", 0, {})).state, RecordState::kRestricted);
  EXPECT_EQ(DecideState({V(1, AccessState::kPublic)}, kFiles, D("public", 0, {})).state, RecordState::kPublic);
}

TEST(RecordState, ADecisionOnAVersionNotYetSeenDoesNotHold) {
  EXPECT_EQ(DecideState({V(1, AccessState::kPublic)}, kFiles, D("published", 3, kFiles)).state, RecordState::kRestricted);
}

TEST(RecordState, TheLongerSecrecyWins) {
  StateInForce s = DecideState({V(1, AccessState::kSecret, "2030-01-01"), V(2, AccessState::kSecret, "2027-01-01")},
                               kFiles, std::nullopt);
  EXPECT_EQ(s.public_from, "2030-01-01");
}

}  // namespace
}  // namespace bevara::services
