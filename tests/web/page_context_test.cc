#include "src/web/page_context.h"

#include <gtest/gtest.h>

#include <sstream>

#include "src/web/page_data.h"

namespace bevara::web {
namespace {

// The same template over the same data through kainjow's own context and
// through PageContext.
std::pair<std::string, std::string> RenderBoth(const std::string& text, const TemplateData& bottom,
                                               const TemplateData& top) {
  kainjow::mustache::mustache tmpl(text);
  EXPECT_TRUE(tmpl.is_valid()) << tmpl.error_message();
  kainjow::mustache::context<std::string> theirs(&bottom);
  theirs.push(&top);
  std::ostringstream a;
  tmpl.render(theirs, a);
  kainjow::mustache::mustache again(text);
  PageContext ours(&bottom);
  ours.push(&top);
  std::ostringstream b;
  again.render(ours, b);
  return {a.str(), b.str()};
}

TEST(PageContext, NamesMeanWhatTheyMeanToKainjow) {
  const PageData texts = PageData::FromJson({{"t", {{"case", "Ärende"}, {"b", "t-b"}}}, {"b", "bottom-b"}}, false);
  const PageData data = PageData::FromJson(
      {{"a", {{"b", "ab"}, {"", {{"x", "under an empty key"}}}}},
       {"", "empty key"},
       {"list", {{{"a", {{"c", "inner c"}}}, {"name", "n1"}}, {{"name", "n2"}, {"b", "list-b"}}}},
       {"flag", true},
       {"words", {"w1", "w2"}}},
      false);
  const std::string text =
      "{{a.b}}|{{.a}}|{{a..x}}|{{a.}}|{{..}}|{{.}}|{{b}}|{{t.case}}|{{t.b}}|{{a.missing}}|{{missing.b}}|"
      "{{#list}}[{{name}} {{a.b}} {{a.c}} {{t.case}} {{b}} {{flag}}]{{/list}}|"
      "{{#a}}({{b}}/{{x}}){{/a}}|{{#words}}<{{.}}>{{/words}}|{{^missing}}none{{/missing}}|{{#t}}{{case}}{{/t}}";
  auto [theirs, ours] = RenderBoth(text, texts.data(), data.data());
  EXPECT_EQ(ours, theirs);
  // And the comparison compares something: what resolves, resolves.
  for (const char* seen : {"ab|", "Ärende", "[n1 ab inner c Ärende bottom-b ]", "[n2 ab  Ärende list-b ]", "<w1><w2>", "none"}) {
    EXPECT_NE(ours.find(seen), std::string::npos) << seen << " in " << ours;
  }
}

}  // namespace
}  // namespace bevara::web
