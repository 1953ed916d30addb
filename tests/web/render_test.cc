#include "src/web/render.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "src/web/assets.h"

namespace bevara::web {
namespace {

std::vector<std::string> Pages() {
  std::vector<std::string> pages;
  for (const auto& [name, text] : WebAssets()) {
    if (name.rfind("templates/", 0) == 0 && name.rfind("templates/layout_", 0) != 0) {
      pages.push_back(name.substr(10, name.size() - 10 - 9));
    }
  }
  return pages;
}

TEST(WebTemplates, NoTemplateWritesAValueUnescaped) {
  for (const auto& [name, text] : WebAssets()) {
    if (name.rfind("templates/", 0) != 0) continue;
    EXPECT_EQ(text.find("{{{"), std::string::npos) << name;
    EXPECT_EQ(text.find("{{&"), std::string::npos) << name;
    EXPECT_EQ(text.find("{{="), std::string::npos) << name << ": changed delimiters hide tags from this check";
    EXPECT_EQ(text.find("<script>"), std::string::npos) << name << ": inline script (the CSP forbids it)";
    EXPECT_EQ(text.find("style="), std::string::npos) << name << ": inline style (the CSP forbids it)";
  }
}

TEST(WebTemplates, EveryPageRendersAndEscapesWhatItIsGiven) {
  const std::string hostile = "<script>alert(\"x\")</script>'&";
  nlohmann::json data = {{"page_title", hostile}, {"lang", "sv"}, {"q", hostile}, {"message", hostile}};
  for (const std::string& page : Pages()) {
    auto html = RenderPage(page, data, "sv");
    ASSERT_TRUE(html.ok()) << page << ": " << html.status().ToString();
    EXPECT_EQ(html->find("<script>alert"), std::string::npos) << page;
    EXPECT_NE(html->find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&apos;&amp;"), std::string::npos) << page;
  }
  EXPECT_TRUE(RenderPage("no-such-page", data, "sv").status().IsNotFound());
  EXPECT_TRUE(RenderPage("layout_head", data, "sv").status().IsNotFound());
  // Parsed once per thread and used again: the same page twice is the same.
  EXPECT_EQ(*RenderPage("home", data, "en"), *RenderPage("home", data, "en"));
  EXPECT_NE(RenderPage("home", data, "en")->find("Search the e-archive"), std::string::npos);
}

TEST(WebTemplates, AnEmptyStringIsAbsent) {
  auto html = RenderPage("error", {{"message", ""}, {"status", "404"}, {"page_title", "x"}}, "sv");
  ASSERT_TRUE(html.ok());
  auto with = RenderPage("record", {{"record", {{"direction", ""}, {"title", "T"}}}, {"page_title", "T"}}, "sv");
  ASSERT_TRUE(with.ok());
  EXPECT_EQ(with->find(Texts("sv")["direction"].get<std::string>()), std::string::npos) << "an empty field has no row";
}

TEST(WebStrings, BothLanguagesHaveEveryTextTheTemplatesAndPagesUse) {
  const nlohmann::json& sv = Texts("sv");
  const nlohmann::json& en = Texts("en");
  ASSERT_GT(sv.size(), 100u);
  std::set<std::string> sv_keys, en_keys;
  for (const auto& [k, v] : sv.items()) sv_keys.insert(k);
  for (const auto& [k, v] : en.items()) en_keys.insert(k);
  EXPECT_EQ(sv_keys, en_keys);
  const std::regex used(R"(\{\{[#^/]?t\.([a-z_0-9]+)\}\})");
  for (const auto& [name, text] : WebAssets()) {
    if (name.rfind("templates/", 0) != 0) continue;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), used); it != std::sregex_iterator(); ++it) {
      EXPECT_TRUE(sv_keys.count((*it)[1])) << name << " uses t." << (*it)[1];
    }
  }
  EXPECT_EQ(Texts("fr"), sv) << "an unknown language is Swedish";
  EXPECT_EQ(Text("en", "no-such-key"), "no-such-key");
}

}  // namespace
}  // namespace bevara::web
