// A page's data, built straight into the template engine's own tree
// (kainjow mustache's data). Pages may build it from JSON (FromJson); the
// busiest page, the public search, builds it in place instead: through JSON
// a page of hits was parsed, built, copied and converted, a fifth of the
// page's time.
//
// kainjow's own set() and push_back() copy what they are given (a subtree
// built bottom-up is copied once per level), and its move constructor is
// not noexcept (a growing vector copies every element): here each value is
// made in the slot where it stays, and lists are given their room first.
//
// A PageData for the public masks every personnummer in its texts as they
// are set, as the public API's answers are masked, but not in links (keys
// "href", "link" and "..._href"), which hold only what the server made:
// paths, ids and tokens a mask could take for a personnummer and break.
//
// Not thread-safe; a PageData and its nodes belong to one request.
#pragma once

#include <cstddef>
#include <string>

#include <kainjow/mustache.hpp>
#include <nlohmann/json.hpp>

namespace bevara::web {

using TemplateData = kainjow::mustache::data;

// A place in a PageData: an object or a list. A node stays valid while
// its PageData lives where it is (the root's node does not follow a moved
// PageData), except a node of a list element once that list grows beyond
// the room it was given: the element moves (what it holds does not).
class PageNode {
 public:
  // REQUIRES: this node is an object. An empty text is false, as a missing
  // one, so that {{#key}}...{{/key}} shows only what is there. A key set
  // again is replaced in place: a node taken of it earlier stays valid.
  void Text(const std::string& key, std::string value);
  void Flag(const std::string& key, bool value);
  PageNode Object(const std::string& key);
  // A list with room for `room` elements without moving any.
  PageNode List(const std::string& key, size_t room);

  // REQUIRES: this node is a list. A new object at its end; a text.
  PageNode Append();
  void AppendText(std::string value);

 private:
  friend class PageData;
  PageNode(TemplateData* d, bool mask) : d_(d), mask_(mask) {}

  TemplateData* Slot(const std::string& key);
  TemplateData* NewElement();
  TemplateData TextData(const std::string& key, std::string value) const;

  TemplateData* d_;  // not owned
  bool mask_;
};

class PageData {
 public:
  // `for_public`: personnummer masked in every text but links.
  explicit PageData(bool for_public);
  // The data of a JSON object (anything else: an empty one): numbers become
  // their text; null, false and the empty string are false.
  static PageData FromJson(const nlohmann::json& j, bool for_public);

  bool for_public() const { return for_public_; }
  PageNode Root() { return PageNode(&root_, for_public_); }
  const TemplateData& data() const { return root_; }

  // Whether the root has `key`, and it is not false.
  bool Has(const std::string& key) const;
  // Moves the root's `from` to `to` (replacing it), leaving `from` false
  // (as good as absent to a template); false if there is no `from`, or it
  // is false or an empty text.
  bool Rename(const std::string& from, const std::string& to);

 private:
  TemplateData root_;
  bool for_public_;
};

}  // namespace bevara::web
