#include "src/web/page_data.h"

#include <gtest/gtest.h>

#include "src/web/hit_fields.h"
#include "src/web/render.h"

namespace bevara::web {
namespace {

// A valid personnummer (Luhn) as a public page must never show it.
constexpr char kPnr[] = "19811218-9876";

std::string ErrorPage(const PageData& d) {
  auto html = RenderPage("error", d, "sv");
  EXPECT_TRUE(html.ok()) << html.status().ToString();
  return html.ok() ? *html : "";
}

TEST(PageData, ForThePublicEveryTextIsMaskedButLinks) {
  PageData d(/*for_public=*/true);
  PageNode root = d.Root();
  root.Text("page_title", std::string("Om ") + kPnr);
  root.Text("message", kPnr);
  root.Text("status", kPnr);
  PageNode sw = root.Object("lang_switch");
  sw.Text("href", std::string("/handling/") + kPnr);
  const std::string html = ErrorPage(d);
  EXPECT_EQ(html.find(kPnr), html.find(std::string("/handling/") + kPnr) + 10) << "only the link keeps it";
  EXPECT_NE(html.find("XXXXXXXX-XXXX"), std::string::npos);
}

TEST(PageData, FromJsonMasksNestedTextsListsAndNumbersForThePublic) {
  const nlohmann::json j = {
      {"page_title", kPnr},
      {"record", {{"title", kPnr}, {"case_number", 198112189876}, {"creator", {kPnr, "Kommun"}}}},
      {"files", {{{"path", kPnr}, {"href", std::string("/f/") + kPnr}}}},
      {"has_files", true},
      {"ask_record_href", std::string("/begaran/ny?handling=") + kPnr}};
  auto html = RenderPage("record", PageData::FromJson(j, true), "sv");
  ASSERT_TRUE(html.ok()) << html.status().ToString();
  EXPECT_EQ(html->find("198112189876"), std::string::npos) << "a number is text on a page, masked as text";
  int seen = 0;
  for (size_t at = html->find(kPnr); at != std::string::npos; at = html->find(kPnr, at + 1)) {
    ++seen;
    EXPECT_TRUE(html->compare(at - 3, 3, "/f/") == 0 || html->compare(at - 9, 9, "handling=") == 0)
        << "outside a link at " << at << ": " << *html;
  }
  EXPECT_EQ(seen, 2) << "the two links keep theirs";

  auto staff = RenderPage("record", PageData::FromJson(j, false), "sv");
  ASSERT_TRUE(staff.ok());
  EXPECT_NE(staff->find(std::string("<h1>") + kPnr), std::string::npos) << "staff see the archive as it is";
}

TEST(PageData, EmptyTextsAndFalseAreAbsentAndRenameLeavesNothingBehind) {
  PageData d(false);
  PageNode root = d.Root();
  root.Text("title", "Sökning");
  root.Text("message", "");
  EXPECT_TRUE(d.Has("title"));
  EXPECT_FALSE(d.Has("message")) << "an empty text is false";
  EXPECT_FALSE(d.Has("status"));
  EXPECT_TRUE(d.Rename("title", "page_title"));
  EXPECT_FALSE(d.Has("title"));
  EXPECT_TRUE(d.Has("page_title"));
  EXPECT_FALSE(d.Rename("title", "page_title")) << "nothing left to move";
  EXPECT_NE(ErrorPage(d).find("<title>Sökning"), std::string::npos);
}

TEST(PageData, ListsGrowBeyondTheirRoomWithoutLosingElements) {
  PageData d(false);
  PageNode list = d.Root().List("values", 1);
  for (int i = 0; i < 100; ++i) list.Append().Text("value", std::to_string(i));
  for (int i = 0; i < 10; ++i) list.AppendText("t" + std::to_string(i));
  const auto& values = d.data().get("values")->list_value();
  ASSERT_EQ(values.size(), 110u);
  EXPECT_EQ(values[99].get("value")->string_value(), "99");
  EXPECT_EQ(values[109].string_value(), "t9");
}

TEST(HitFields, TakesTheTopLevelsTextsOnly) {
  HitFields f;
  ASSERT_TRUE(ReadHitFields(R"({"files":["a","b",{"title":"inner"}],"title":"Bygglov","date":"2002-08-08",)"
                            R"("creator":"Kommun 12","case_number":"KS 2002-1","record_type":"Beslut",)"
                            R"("nested":{"creator":"no"},"extra":[1,2.5,true,null]})",
                            &f));
  EXPECT_EQ(f.title, "Bygglov");
  EXPECT_EQ(f.date, "2002-08-08");
  EXPECT_EQ(f.creator, "Kommun 12");
  EXPECT_EQ(f.case_number, "KS 2002-1");
  EXPECT_EQ(f.record_type, "Beslut");

  ASSERT_TRUE(ReadHitFields(R"({"title":"first","title":"last","date":"d","date":null})", &f));
  EXPECT_EQ(f.title, "last") << "a key given twice: its last value, as a parsed object has it";
  EXPECT_EQ(f.date, "");

  ASSERT_TRUE(ReadHitFields(R"({"title":7,"date":null,"creator":["x"],"case_number":{"a":"b"}})", &f));
  EXPECT_EQ(f.title, "") << "a value of another type is not taken";
  EXPECT_EQ(f.creator, "");
  EXPECT_EQ(f.case_number, "");
}

TEST(HitFields, AnythingButOneObjectIsRefusedAndLeavesNothing) {
  for (const char* bad : {"", "[]", "\"title\"", "7", "{\"title\":\"x\"", "{\"title\":\"x\"} {}", "{\"title\":\"x\",}",
                          "{\"title\":\"\xff\"}", "null", "[{\"title\":\"x\"}]"}) {
    HitFields f;
    f.title = "left over";
    EXPECT_FALSE(ReadHitFields(bad, &f)) << bad;
    EXPECT_EQ(f.title, "") << bad;
  }
}

}  // namespace
}  // namespace bevara::web
