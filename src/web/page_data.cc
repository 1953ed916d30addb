#include "src/web/page_data.h"

#include <algorithm>
#include <cassert>

#include "src/search/personnummer.h"

namespace bevara::web {
namespace {

using Type = TemplateData::type;

// The const_casts below are sound: every TemplateData they reach belongs to
// the PageData being built (kainjow gives only const access to a value in
// place, and copies whatever it is handed).
TemplateData* Mutable(const TemplateData* d) { return const_cast<TemplateData*>(d); }
kainjow::mustache::list& ListOf(TemplateData* d) { return const_cast<kainjow::mustache::list&>(d->list_value()); }

// Keys whose texts are links the server made (paths, ids, tokens): never masked.
bool IsLink(const std::string& key) {
  return key == "href" || key == "link" || (key.size() > 5 && key.compare(key.size() - 5, 5, "_href") == 0);
}

TemplateData MakeText(std::string value, const std::string& key, bool mask) {
  if (value.empty()) return TemplateData(false);
  if (mask && !IsLink(key)) search::MaskPersonnummer(&value);
  TemplateData d(Type::string);
  const_cast<std::string&>(d.string_value()) = std::move(value);
  return d;
}

// A new element at the end of `list`. A full list grows by moving its
// elements one by one into a larger one: kainjow's move constructor is not
// noexcept, so the vector's own growth would copy every subtree.
TemplateData* AppendSlot(TemplateData* list) {
  assert(list->is_list());
  auto& l = ListOf(list);
  if (l.size() == l.capacity()) {
    kainjow::mustache::list larger;
    larger.reserve(std::max<size_t>(8, 2 * l.capacity()));
    for (TemplateData& e : l) larger.emplace_back(std::move(e));
    l.swap(larger);
  }
  l.emplace_back(false);
  return &l.back();
}

// `*slot` becomes `j`, in place; `key` is the key `j` is under.
void FillFromJson(TemplateData* slot, const nlohmann::json& j, const std::string& key, bool mask) {
  switch (j.type()) {
    case nlohmann::json::value_t::string: *slot = MakeText(j.get<std::string>(), key, mask); return;
    case nlohmann::json::value_t::boolean: *slot = TemplateData(j.get<bool>()); return;
    case nlohmann::json::value_t::null: *slot = TemplateData(false); return;
    case nlohmann::json::value_t::object:
      *slot = TemplateData(Type::object);
      for (const auto& [k, v] : j.items()) {
        slot->set(k, TemplateData(false));
        FillFromJson(Mutable(slot->get(k)), v, k, mask);
      }
      return;
    case nlohmann::json::value_t::array:
      *slot = TemplateData(Type::list);
      ListOf(slot).reserve(j.size());
      for (const auto& v : j) FillFromJson(AppendSlot(slot), v, key, mask);
      return;
    default:
      *slot = MakeText(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), key, mask);
      return;
  }
}

}  // namespace

TemplateData* PageNode::Slot(const std::string& key) {
  assert(d_->is_object());
  // In place when the key is there: kainjow's set() erases and inserts again.
  if (const TemplateData* there = d_->get(key)) return Mutable(there);
  d_->set(key, TemplateData(false));
  return Mutable(d_->get(key));
}

TemplateData PageNode::TextData(const std::string& key, std::string value) const {
  return MakeText(std::move(value), key, mask_);
}

void PageNode::Text(const std::string& key, std::string value) { *Slot(key) = TextData(key, std::move(value)); }

void PageNode::Flag(const std::string& key, bool value) { *Slot(key) = TemplateData(value); }

PageNode PageNode::Object(const std::string& key) {
  TemplateData* slot = Slot(key);
  *slot = TemplateData(Type::object);
  return PageNode(slot, mask_);
}

PageNode PageNode::List(const std::string& key, size_t room) {
  TemplateData* slot = Slot(key);
  *slot = TemplateData(Type::list);
  ListOf(slot).reserve(room);
  return PageNode(slot, mask_);
}

TemplateData* PageNode::NewElement() { return AppendSlot(d_); }

PageNode PageNode::Append() {
  TemplateData* slot = NewElement();
  *slot = TemplateData(Type::object);
  return PageNode(slot, mask_);
}

void PageNode::AppendText(std::string value) {
  // Masked for the public whatever the list is called: links come in objects.
  TemplateData* slot = NewElement();
  *slot = TextData("", std::move(value));
}

PageData::PageData(bool for_public) : root_(Type::object), for_public_(for_public) {}

PageData PageData::FromJson(const nlohmann::json& j, bool for_public) {
  PageData d(for_public);
  if (j.is_object()) FillFromJson(&d.root_, j, "", for_public);
  return d;
}

bool PageData::Has(const std::string& key) const {
  const TemplateData* v = root_.get(key);
  return v && !v->is_false();
}

bool PageData::Rename(const std::string& from, const std::string& to) {
  if (!Has(from)) return false;
  TemplateData* source = Mutable(root_.get(from));
  TemplateData moved = std::move(*source);
  *source = TemplateData(false);
  *Root().Slot(to) = std::move(moved);
  return true;
}

}  // namespace bevara::web
