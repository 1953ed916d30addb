#include "ingest/reader/entry_policy.h"

#include <gtest/gtest.h>

namespace bevara::ingest {
namespace {

Status AdmitOne(EntryPolicy& p, std::string_view name, RawEntryType t = RawEntryType::kFile) {
  PackageEntry e;
  bool skip = false;
  return p.Admit(name, t, 10, &e, &skip);
}

std::string RuleOf(std::string_view name, RawEntryType t = RawEntryType::kFile) {
  EntryPolicy p{ReaderLimits{}};
  return AdmitOne(p, name, t).rule();
}

TEST(EntryPolicyTest, AcceptsOrdinaryNamesAndNormalisesSpelling) {
  EntryPolicy p{ReaderLimits{}};
  PackageEntry e;
  bool skip = false;
  ASSERT_TRUE(p.Admit("./sip/representations/rep1/data/år 2024/ärende.txt", RawEntryType::kFile, 3, &e, &skip).ok());
  EXPECT_FALSE(skip);
  EXPECT_EQ(e.path, "sip/representations/rep1/data/år 2024/ärende.txt");
  ASSERT_TRUE(p.Admit("sip/metadata/", RawEntryType::kDirectory, 0, &e, &skip).ok());
  EXPECT_EQ(e.path, "sip/metadata");
  EXPECT_EQ(e.kind, EntryKind::kDirectory);
  ASSERT_TRUE(p.Admit("./", RawEntryType::kDirectory, 0, &e, &skip).ok());
  EXPECT_TRUE(skip);
}

TEST(EntryPolicyTest, RejectsEachUnsafeNameWithItsRule) {
  EXPECT_EQ(RuleOf("/etc/passwd"), "PKG-ABSOLUTE-PATH");
  EXPECT_EQ(RuleOf("C:/Windows/x"), "PKG-ABSOLUTE-PATH");
  EXPECT_EQ(RuleOf("a/../../b"), "PKG-DOTDOT");
  EXPECT_EQ(RuleOf(".."), "PKG-DOTDOT");
  EXPECT_EQ(RuleOf("a//b"), "PKG-EMPTY-COMPONENT");
  EXPECT_EQ(RuleOf("a/./b"), "PKG-EMPTY-COMPONENT");
  EXPECT_EQ(RuleOf("a\\b"), "PKG-BACKSLASH");
  EXPECT_EQ(RuleOf("a\x01" "b"), "PKG-CONTROL-CHAR");
  EXPECT_EQ(RuleOf("a\x7f"), "PKG-CONTROL-CHAR");
  EXPECT_EQ(RuleOf("a\xc2\x85"), "PKG-CONTROL-CHAR");  // NEL, a C1 control
  EXPECT_EQ(RuleOf("caf\xe9"), "PKG-INVALID-UTF8");
  EXPECT_EQ(RuleOf("\xc0\xaf"), "PKG-INVALID-UTF8");    // overlong '/'
  EXPECT_EQ(RuleOf("\xed\xa0\x80"), "PKG-INVALID-UTF8"); // a surrogate
  EXPECT_EQ(RuleOf(std::string(1025, 'a')), "PKG-NAME-TOO-LONG");
}

TEST(EntryPolicyTest, RejectsEntryTypesOtherThanFilesAndDirectories) {
  EXPECT_EQ(RuleOf("l", RawEntryType::kSymlink), "PKG-SYMLINK");
  EXPECT_EQ(RuleOf("h", RawEntryType::kHardlink), "PKG-HARDLINK");
  EXPECT_EQ(RuleOf("c", RawEntryType::kCharDevice), "PKG-DEVICE");
  EXPECT_EQ(RuleOf("b", RawEntryType::kBlockDevice), "PKG-DEVICE");
  EXPECT_EQ(RuleOf("f", RawEntryType::kFifo), "PKG-FIFO");
  EXPECT_EQ(RuleOf("s", RawEntryType::kOther), "PKG-SPECIAL-FILE");
}

TEST(EntryPolicyTest, DetectsCollisions) {
  EntryPolicy p{ReaderLimits{}};
  ASSERT_TRUE(AdmitOne(p, "x/\xc3\xa4rende.txt").ok());                    // precomposed ä
  EXPECT_EQ(AdmitOne(p, "x/a\xcc\x88rende.txt").rule(), "PKG-NAME-COLLISION");  // a + combining diaeresis
  EXPECT_EQ(AdmitOne(p, "x/\xc3\xa4rende.txt").rule(), "PKG-NAME-COLLISION");
  ASSERT_TRUE(AdmitOne(p, "f").ok());
  EXPECT_EQ(AdmitOne(p, "f/inside").rule(), "PKG-NAME-COLLISION");
  EXPECT_EQ(AdmitOne(p, "x").rule(), "PKG-NAME-COLLISION");  // x is a folder already
  // Repeating a directory entry is harmless.
  EXPECT_TRUE(AdmitOne(p, "y", RawEntryType::kDirectory).ok());
  EXPECT_TRUE(AdmitOne(p, "y", RawEntryType::kDirectory).ok());
}

TEST(EntryPolicyTest, EnforcesCountAndSizeLimits) {
  ReaderLimits limits;
  limits.max_entries = 2;
  limits.max_total_bytes = 100;
  EntryPolicy p{limits};
  ASSERT_TRUE(AdmitOne(p, "a").ok());
  ASSERT_TRUE(AdmitOne(p, "b").ok());
  EXPECT_EQ(AdmitOne(p, "c").rule(), "PKG-TOO-MANY-ENTRIES");
  EXPECT_TRUE(p.CountBytes(100).ok());
  EXPECT_EQ(p.CountBytes(1).rule(), "PKG-TOO-LARGE");
}

TEST(EntryPolicyTest, PrintableEscapesHostileBytes) {
  EXPECT_EQ(Printable("a\nb\xff"), "a\\x0Ab\\xFF");
  EXPECT_EQ(Printable("år"), "år");
}

}  // namespace
}  // namespace bevara::ingest
