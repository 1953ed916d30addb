// Where a page's template looks up its names: the data pushed last first,
// as kainjow's own context (kainjow::mustache::context), with the same
// meaning for "a.b": the whole path tried in each data in turn, its parts
// as std::getline splits them. Kainjow's own builds a stringstream to split
// a dotted name at every look-up, which cost a quarter of rendering a
// search page; this one splits in place. Plugged in through kainjow's
// extension point, basic_context.
//
// Not thread-safe: one per render. Does not own the data pushed on it.
#pragma once

#include <string>
#include <vector>

#include <kainjow/mustache.hpp>

namespace bevara::web {

class PageContext : public kainjow::mustache::basic_context<std::string> {
 public:
  using Data = kainjow::mustache::data;

  explicit PageContext(const Data* bottom) { items_.push_back(bottom); }

  void push(const Data* data) override { items_.push_back(data); }
  void pop() override { items_.pop_back(); }
  const Data* get(const std::string& name) const override;
  const Data* get_partial(const std::string& name) const override;

 private:
  const Data* Path(const Data* data, const std::string& name) const;

  std::vector<const Data*> items_;  // the top last
  mutable std::string part_;        // scratch for Path
};

}  // namespace bevara::web
