#include "src/web/page_context.h"

namespace bevara::web {

const PageContext::Data* PageContext::get(const std::string& name) const {
  if (name == ".") return items_.back();
  const bool dotted = name.find('.') != std::string::npos;
  for (auto it = items_.rbegin(); it != items_.rend(); ++it) {
    const Data* var = dotted ? Path(*it, name) : (*it)->get(name);
    if (var) return var;
  }
  return nullptr;
}

const PageContext::Data* PageContext::get_partial(const std::string& name) const {
  for (auto it = items_.rbegin(); it != items_.rend(); ++it) {
    if (const Data* var = (*it)->get(name)) return var;
  }
  return nullptr;
}

// "a.b.c" inside `data`. Parts as std::getline gives them, which is how
// kainjow splits: an empty part between dots is one, a last empty part is
// none.
const PageContext::Data* PageContext::Path(const Data* data, const std::string& name) const {
  size_t start = 0;
  while (data && start < name.size()) {
    size_t dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    part_.assign(name, start, dot - start);
    data = data->get(part_);
    start = dot + 1;
  }
  return data;
}

}  // namespace bevara::web
